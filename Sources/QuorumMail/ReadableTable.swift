import QuorumAggregates
import QuorumModel

/// An aggregate as a person reads it in a report e-mail: headings and codes in
/// words, each figure with its qualifier in the reader's notation ("140+",
/// "≈150") and a mark where Quorum derived it, cut into tables of a few columns,
/// one per organisation or body, each followed by the key to what it shows.
///
/// The HTML and the plain-text part are both written from this, so they say the
/// same. The CSV attachments are not: they keep the aggregate's own columns.
struct ReadableTable: Equatable, Sendable {
    /// The most columns a table has, so that it fits a 600-pixel column and 72 characters.
    static let maximumColumns = 5

    var title: String
    /// What the aggregate is, in a sentence; nil when there is none to show.
    var summary: String?
    /// Why the aggregate has no rows (a chart's own query that failed).
    var problem: String?
    var sections: [Section]

    /// The rows of one organisation, or one body: tables, then the notes on them.
    struct Section: Equatable, Sendable {
        var heading: String?
        var grids: [Grid]
        /// The key to the notation, what each mark means, notes on rows, the sources.
        var notes: [String]
    }

    struct Grid: Equatable, Sendable {
        var caption: String?
        var columns: [Column]
        var rows: [[String]]
    }

    struct Column: Equatable, Sendable {
        var heading: String
        /// Numbers: right-aligned, and never wrapped.
        var numeric: Bool
        /// Its share of the width, against the others'.
        var weight: Double
    }

    static let derivedMark = "†"

    /// The key to a derivation mark; `how` is the dataset's own note, in English, and said to be.
    static func derivationKey(_ mark: String, _ how: String, in language: Language) -> String {
        mark
            + Phrase(
                " derived by Quorum, not stated in the document: ", " вычислено Quorum, в документе не указано: ", " 由 Quorum 推算，文件未载明：")(
                language) + how + Wording(language).inEnglish
    }
}

// MARK: Building

extension ReadableTable {
    /// What the e-mail knows besides the table: names for the codes other tables use.
    struct Names: Sendable {
        /// Source key → the document's title: the snapshot's `sources` aggregate, and any given.
        var sources: [String: String] = [:]
        /// "organisation/body" → the body's name, from body_year.
        var bodies: [String: String] = [:]
        /// The dataset's names in each language (`CodeNames.datasetNames`).
        var dataset: [String: [String: CodeNames.Names]] = [:]

        init(snapshot: Snapshot?, sourceTitles: [String: String]) {
            if let table = snapshot?["sources"], let key = table.columns.firstIndex(of: "source"),
                let title = table.columns.firstIndex(of: "title")
            {
                for row in table.rows {
                    if let key = row[key].text, let title = row[title].text { sources[key] = title }
                }
            }
            sources.merge(sourceTitles) { _, given in given }
            if let snapshot { dataset = CodeNames.datasetNames(snapshot) }
            guard let bodyYear = snapshot?["body_year"], let organisation = bodyYear.columns.firstIndex(of: "organisation"),
                let body = bodyYear.columns.firstIndex(of: "body"), let name = bodyYear.columns.firstIndex(of: "body_name")
            else { return }
            for row in bodyYear.rows {
                if let code = row[body].text, let text = row[name].text { bodies["\(row[organisation].description)/\(code)"] = text }
            }
        }
    }

    /// The table in `language`: Quorum's words in it; what the documents say
    /// (titles, names, notes) as they give it.
    init(_ table: AggregateTable, names: Names, language: Language = .en) {
        let chart = AggregateDefinition.chart(ofTable: table.name)
        title =
            ColumnLabels.title(of: table.name, in: language)
            ?? (chart.map { Phrase("Chart \($0): its own query", "График \($0): собственный запрос", "图表 \($0)：其自有查询")(language) }
                ?? ColumnLabels.heading(table.name, in: ""))
        // An aggregate's description is English; the other languages have its title.
        summary = chart != nil || table.description.isEmpty || language != .en ? nil : Self.naming(table.description)
        problem = table.error
        sections = TableLayout.layout(of: table).sections(of: table, names: names, language: language)
    }
}

extension ReadableTable {
    /// A description with the aggregates it names (`register_events`) called by their titles.
    static func naming(_ description: String) -> String {
        var text = description
        for word in Set(description.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }))
        where word.contains("_") {
            if let title = ColumnLabels.title(of: String(word)) {
                text = text.replacingOccurrences(of: String(word), with: "“\(title)”")
            }
        }
        return text
    }
}

/// Which qualifier and derivation column belongs to which figure of a table.
struct Folding: Sendable {
    /// Figure column → its qualifier column.
    var qualifier: [String: String] = [:]
    /// Figure column → its derivation column.
    var derivation: [String: String] = [:]

    init(_ table: AggregateTable) {
        for column in table.columns {
            switch ColumnLabels.label(column, in: table.name).kind {
            case .qualifier(let figures):
                for figure in figures where table.columns.contains(figure) { qualifier[figure] = column }
            case .derivation(let figures):
                for figure in figures where table.columns.contains(figure) { derivation[figure] = column }
            default: break
            }
        }
    }

    /// Columns shown inside their figures' cells rather than on their own.
    var folded: Set<String> { Set(qualifier.values).union(derivation.values) }
}

/// One row, its cells written for a reader.
struct RowView: Sendable {
    let table: AggregateTable
    let row: [Value]
    let positions: [String: Int]
    let folding: Folding
    let names: ReadableTable.Names
    /// Derivation text → its mark in this section.
    let marks: [String: String]
    let language: Language

    func value(_ column: String) -> Value? { positions[column].map { row[$0] } }

    func integer(_ column: String) -> Int64? { value(column)?.integer ?? value(column)?.number.map { Int64($0) } }

    func label(_ column: String) -> ColumnLabels.Label { ColumnLabels.label(column, in: table.name) }

    /// The cell of `column` as a reader sees it: a number with its qualifier and
    /// derivation mark, a code by its name; "–" for a missing number, "" for missing text.
    func cell(_ column: String) -> String {
        let label = label(column)
        guard let value = value(column), value != .null else { return label.isNumeric ? "–" : "" }
        var text = Readable.value(
            value, label.kind, organisation: self.value("organisation")?.description, names: names, language: language)
        // A chart's own query may select a code under a name of its own: shown in words all the same.
        if case .text(let code) = value, code.contains("_"), !ColumnLabels.isLabelled(column, in: table.name),
            let words = ColumnLabels.words(anyCode: code, in: language)
        {
            text = words
        }
        // A name the dataset gives in the reader's language too.
        if case .name(let codeColumn) = label.kind, let code = self.value(codeColumn)?.text {
            let key = codeColumn == "body" ? "\(self.value("organisation")?.text ?? "")/\(code)" : code
            if let name = names.dataset[codeColumn]?[key]?[language.rawValue] { text = name }
        }
        if let qualifierColumn = folding.qualifier[column], let code = self.value(qualifierColumn)?.text,
            let qualifier = Qualifier(rawValue: code)
        {
            text = qualifier.format(text)
        }
        if let derivationColumn = folding.derivation[column], let how = self.value(derivationColumn)?.text, let mark = marks[how] {
            text += "\u{00A0}" + mark
        }
        return text
    }

    /// The cell, or nil when the value is missing.
    func figure(_ column: String) -> String? {
        guard let value = value(column), value != .null else { return nil }
        return cell(column)
    }

    /// A date and the date it runs to, if any: "4 July 2024", "3 – 5 October 2024"; "by 2022" with only an end.
    func span(_ from: String, _ to: String) -> String {
        switch (figure(from), figure(to)) {
        case (nil, nil): return ""
        case (let start?, nil): return start
        case (nil, let end?): return Phrase("by \(end)", "к \(end)", "\(end)前")(language)
        case (let start?, let end?): return start == end ? start : "\(start) – \(end)"
        }
    }

    /// Two columns in one cell: "97–140", "October 2020 – October 2024", "from 2021".
    func range(_ from: String, _ to: String) -> String {
        let (start, end) = (figure(from), figure(to))
        let spaced = label(from).kind == .date && [start, end].contains { $0?.contains(" ") == true }
        switch (start, end) {
        case (nil, nil): return "–"
        case (let start?, nil): return Phrase("from \(start)", "с \(start)", "\(start)起")(language)
        case (nil, let end?): return Phrase("until \(end)", "до \(end)", "至\(end)")(language)
        case (let start?, let end?): return start == end ? start : spaced ? "\(start) – \(end)" : "\(start)–\(end)"
        }
    }
}

// MARK: Layouts

/// How one aggregate's columns are laid out: which head sections, which lead
/// every row, which go together in a table.
struct TableLayout: Sendable {
    /// A column, or alternatives separated by `|`: the first the table has is used.
    typealias ColumnName = String

    enum Cell: Sendable {
        case column(ColumnName)
        /// Two columns in one cell: "97–140", "October 2020 – October 2024".
        case range(from: String, to: String, heading: Phrase)
    }

    struct Panel: Sendable {
        var caption: Phrase?
        var cells: [Cell]
        /// Whether the panel says something, for a section's rows, that the others do not.
        var shown: @Sendable ([RowView]) -> Bool = { _ in true }
    }

    struct Sentence: Sendable {
        var heading: Phrase
        /// The columns the sentence tells; any other is added as "Heading: value".
        var uses: Set<String>
        var write: @Sendable (RowView) -> String
    }

    /// Columns whose values head a section: one table per organisation, per body.
    var sections: [ColumnName] = []
    /// Columns that lead every row of every table.
    var leading: [ColumnName] = []
    var panels: [Panel] = []
    /// Instead of panels: each row as its leading cells and a sentence.
    var sentence: Sentence?
    /// Columns the e-mail leaves out (where in the document a figure stands); the CSV attachments keep them.
    var hidden: Set<String> = []

    static func layout(of table: AggregateTable) -> TableLayout {
        if let layout = builtIn[table.name], layout.leading.allSatisfy({ layout.resolve($0, in: table) != nil }) {
            return layout
        }
        return generic(table)
    }

    /// The first of a name's alternatives that the table has.
    func resolve(_ name: ColumnName, in table: AggregateTable) -> String? {
        name.split(separator: "|").map(String.init).first { table.columns.contains($0) }
    }

    /// Any other table: a section per organisation (and body), the first other
    /// column leading; a table when the rest fits, else a sentence per row.
    static func generic(_ table: AggregateTable) -> TableLayout {
        var layout = TableLayout()
        layout.sections = ["organisation", "body_name|body"].filter { layout.resolve($0, in: table) != nil }
        let placed = Set(layout.sections.flatMap { $0.split(separator: "|").map(String.init) })
        let folded = Folding(table).folded
        let free = table.columns.filter { column in
            !placed.contains(column) && !folded.contains(column)
                && ![.sources, .note].contains(ColumnLabels.label(column, in: table.name).kind)
        }
        guard let first = free.first else { return layout }
        layout.leading = [first]
        if free.count > ReadableTable.maximumColumns {
            layout.sentence = Sentence(heading: Phrase("Figures", "Числа", "数字"), uses: [], write: { _ in "" })
        }
        return layout
    }

    // MARK: Sections

    func sections(of table: AggregateTable, names: ReadableTable.Names, language: Language) -> [ReadableTable.Section] {
        let positions = Dictionary(table.columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let folding = Folding(table)
        let sectionColumns = sections.compactMap { resolve($0, in: table) }
        let leadingColumns = leading.compactMap { resolve($0, in: table) }
        var placed = Set(sections.flatMap(alternatives)).union(leading.flatMap(alternatives)).union(folding.folded).union(hidden)
        var panels: [Panel] = []
        for panel in self.panels {
            var cells: [Cell] = []
            for cell in panel.cells {
                switch cell {
                case .column(let name):
                    if let column = resolve(name, in: table) { cells.append(.column(column)) }
                case .range(let from, let to, let heading):
                    switch (table.columns.contains(from), table.columns.contains(to)) {
                    case (true, true): cells.append(.range(from: from, to: to, heading: heading))
                    case (true, false): cells.append(.column(from))
                    case (false, true): cells.append(.column(to))
                    case (false, false): break
                    }
                }
            }
            for case .column(let column) in cells { placed.insert(column) }
            for case .range(let from, let to, _) in cells { placed.formUnion([from, to]) }
            if !cells.isEmpty { panels.append(Panel(caption: panel.caption, cells: cells, shown: panel.shown)) }
        }
        if let sentence { placed.formUnion(sentence.uses) }
        let kinds = Dictionary(table.columns.map { ($0, ColumnLabels.label($0, in: table.name).kind) }, uniquingKeysWith: { first, _ in first })
        let sourceColumns = table.columns.filter { kinds[$0] == .sources }
        let noteColumns = table.columns.filter { kinds[$0] == .note && !hidden.contains($0) }
        placed.formUnion(sourceColumns)
        placed.formUnion(noteColumns)
        // Columns no layout names (added since) are shown all the same, a few to a table.
        let rest = table.columns.filter { !placed.contains($0) }
        if sentence == nil {
            let room = max(1, ReadableTable.maximumColumns - leadingColumns.count)
            for start in stride(from: 0, to: rest.count, by: room) {
                panels.append(Panel(caption: nil, cells: rest[start..<min(start + room, rest.count)].map { .column($0) }))
            }
        }

        // Rows in sections by their section columns, in the order they come.
        var order: [[Value]] = []
        var groups: [[Value]: [[Value]]] = [:]
        for row in table.rows {
            let key = sectionColumns.map { row[positions[$0]!] }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }

        let derivationColumns = table.columns.filter(Set(folding.derivation.values).contains)
        let wording = Wording(language)
        return order.map { key in
            let rows = groups[key]!
            // A mark per way of deriving in the section: † alone, or †1, †2, … when there are several.
            var marks: [String: String] = [:]
            var hows: [String] = []
            for row in rows {
                for column in derivationColumns {
                    if let how = row[positions[column]!].text, marks[how] == nil {
                        marks[how] = ""
                        hows.append(how)
                    }
                }
            }
            for (index, how) in hows.enumerated() {
                marks[how] = hows.count == 1 ? ReadableTable.derivedMark : "\(ReadableTable.derivedMark)\(index + 1)"
            }
            let views = rows.map {
                RowView(table: table, row: $0, positions: positions, folding: folding, names: names, marks: marks, language: language)
            }
            var qualified = false
            func column(_ name: String) -> ReadableTable.Column {
                let label = ColumnLabels.label(name, in: table.name)
                return .init(heading: label.heading(in: language), numeric: label.isNumeric, weight: label.isNumeric ? 1 : 1.5)
            }
            func cell(_ cell: Cell, _ view: RowView) -> String {
                switch cell {
                case .column(let name): view.cell(name)
                case .range(let from, let to, _): view.range(from, to)
                }
            }

            var grids: [ReadableTable.Grid] = []
            // The leading cells name the row, a year as much as a title: set left, like the row labels they are.
            let leadingHeadings = leadingColumns.map { name in
                let label = ColumnLabels.label(name, in: table.name)
                return ReadableTable.Column(heading: label.heading(in: language), numeric: false, weight: label.isNumeric ? 0.8 : 1.5)
            }
            if let sentence {
                let leadingSet = Set(leadingColumns)
                let extra = rest.filter { !leadingSet.contains($0) }
                grids.append(
                    .init(
                        caption: nil, columns: leadingHeadings + [.init(heading: sentence.heading(language), numeric: false, weight: 3.5)],
                        rows: views.map { view in
                            var parts = [sentence.write(view)].filter { !$0.isEmpty }
                            for name in extra {
                                guard let text = view.figure(name), !text.isEmpty else { continue }
                                parts.append("\(ColumnLabels.heading(name, in: table.name, language: language))\(wording.colon)\(text)")
                                if folding.qualifier[name] != nil { qualified = true }
                            }
                            return leadingColumns.map(view.cell) + [parts.joined(separator: "; ")]
                        }))
                if sentence.uses.contains(where: { folding.qualifier[$0] != nil }) { qualified = true }
            } else {
                for panel in panels where panel.shown(views) {
                    // A column with nothing in this section's rows is left out of its table.
                    var columns = leadingHeadings
                    var cells: [[String]] = views.map { view in leadingColumns.map(view.cell) }
                    for spec in panel.cells {
                        let values = views.map { cell(spec, $0) }
                        guard values.contains(where: { !$0.isEmpty && $0 != "–" }) else { continue }
                        switch spec {
                        case .column(let name):
                            columns.append(column(name))
                            if folding.qualifier[name] != nil { qualified = true }
                        case .range(let from, _, let heading):
                            let label = ColumnLabels.label(from, in: table.name)
                            columns.append(.init(heading: heading(language), numeric: label.isNumeric, weight: label.isNumeric ? 1 : 1.5))
                        }
                        for index in cells.indices { cells[index].append(values[index]) }
                    }
                    guard columns.count > leadingHeadings.count else { continue }
                    grids.append(.init(caption: grids.isEmpty ? nil : panel.caption?(language), columns: columns, rows: cells))
                }
            }

            var notes: [String] = []
            if qualified { notes.append(wording.qualifierKey) }
            for how in hows { notes.append(ReadableTable.derivationKey(marks[how]!, how, in: language)) }
            for view in views {
                for name in noteColumns {
                    guard let note = view.value(name)?.text, !note.isEmpty else { continue }
                    let about = leadingColumns.map(view.cell).filter { !$0.isEmpty }.joined(separator: ", ")
                    notes.append(
                        about.isEmpty
                            ? Phrase("Note", "Примечание", "备注")(language) + wording.colon + note
                            : Phrase("Note on \(about)", "Примечание к «\(about)»", "关于“\(about)”的备注")(language) + wording.colon + note)
                }
            }
            var sources: [String] = []
            for view in views {
                for name in sourceColumns {
                    for key in (view.value(name)?.text ?? "").split(separator: " ").map(String.init) where !sources.contains(key) {
                        sources.append(key)
                    }
                }
            }
            if !sources.isEmpty {
                let titles = sources.map { names.sources[$0] ?? $0 }
                notes.append(
                    (titles.count == 1 ? wording.sourcePrefix : Phrase("Sources: ", "Источники: ", "来源：")(language))
                        + titles.joined(separator: "; "))
            }

            let heading =
                sectionColumns.isEmpty
                ? nil
                : sectionColumns.compactMap { views.first?.figure($0) }.joined(separator: " — ")
            return .init(heading: heading, grids: grids, notes: notes)
        }
    }

    private func alternatives(_ name: ColumnName) -> [String] { name.split(separator: "|").map(String.init) }
}
