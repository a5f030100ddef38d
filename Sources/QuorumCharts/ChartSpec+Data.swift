import Foundation
import QuorumAggregates
import QuorumModel

extension ChartSpec {
    /// The spec's figures from a snapshot: its table, filtered, grouped by x and
    /// series; figures that share a place are added up and their qualifiers combined.
    public func data(from snapshot: Snapshot) throws(ChartError) -> ChartData {
        guard let table = snapshot[tableName] else {
            switch origin {
            case .aggregate(let name):
                let known = snapshot.tables.map(\.name).filter { AggregateDefinition.chart(ofTable: $0) == nil }.joined(separator: ", ")
                throw ChartError.spec(file: file, key: "aggregate", "'\(name)' is not an aggregate (known: \(known))")
            case .sql:
                throw ChartError.spec(file: file, key: "sql", "the snapshot has no result for this query yet (table \(tableName))")
            }
        }
        if let error = table.error {
            throw ChartError.spec(file: file, key: "sql", "the query failed: \(error)")
        }
        let sourceKey = if case .sql = origin { "sql" } else { "aggregate" }
        func column(_ name: String, key: String) throws(ChartError) -> Int {
            guard let index = table.columns.firstIndex(of: name) else {
                throw ChartError.spec(
                    file: file, key: key,
                    "'\(name)' is not a column of \(sourceKey) \(table.name) (columns: \(table.columns.joined(separator: ", ")))")
            }
            return index
        }
        let xColumn = try x.map { (name: String) throws(ChartError) in try column(name, key: "x") }
        let seriesColumn = try series.map { (name: String) throws(ChartError) in try column(name, key: "series") }
        var valueColumns: [Int] = []
        for name in values { valueColumns.append(try column(name, key: values.count == 1 ? "value" : "values")) }
        let qualifierColumn = try qualifier.map { (name: String) throws(ChartError) in try column(name, key: "qualifier") }
        // Without a qualifier column, each value column's "<column>_qualifier" (where the
        // table has one) says how exact it is, so a qualifier is never silently dropped.
        let ownQualifiers = values.map { table.columns.firstIndex(of: $0 + "_qualifier") }
        // The same for what each figure counted and whether Quorum derived it.
        let scopeColumns = try values.map { (name: String) throws(ChartError) -> Int? in
            if let scope { return try column(scope, key: "scope") }
            return table.columns.firstIndex(of: name + "_scope")
        }
        let derivationColumns = try values.map { (name: String) throws(ChartError) -> Int? in
            if let derivation { return try column(derivation, key: "derivation") }
            return table.columns.firstIndex(of: name + "_derivation")
                ?? (values.count == 1 ? table.columns.firstIndex(of: "derivation") : nil)
        }
        let anchor = RegisterAnchor.maker(table: table.name, columns: table.columns)
        let referenceColumn = try reference.map { (name: String) throws(ChartError) in try column(name, key: "reference") }
        let referenceDerivation = reference.flatMap { table.columns.firstIndex(of: $0 + "_derivation") }
        var filterColumns: [(Filter, Int)] = []
        for filter in filters { filterColumns.append((filter, try column(filter.column, key: "filter"))) }

        let rows = table.rows.filter { row in filterColumns.allSatisfy { filter, index in filter.keeps(row[index]) } }

        // Several value columns make the series (or, with no x, the categories).
        var categories: [String] = []
        var seriesNames: [String] = []
        var cells: [String: [String: [ChartPoint]]] = [:]
        var references: [String: [ChartPoint]] = [:]
        func note(_ item: String, in list: inout [String]) { if !list.contains(item) { list.append(item) } }

        for row in rows {
            for (position, valueColumn) in valueColumns.enumerated() {
                guard let number = row[valueColumn].number else { continue }
                let qualifier =
                    (qualifierColumn ?? ownQualifiers[position]).flatMap { row[$0].text.flatMap(Qualifier.init(rawValue:)) }
                    ?? .exact
                let scope = scopeColumns[position].flatMap { row[$0].text.flatMap(Scope.init(rawValue:)) }
                let otherScope = scope.flatMap { $0 == .memberStates || $0 == .all ? nil : Wording(language).scopeWords($0) }
                let derivation = derivationColumns[position].flatMap { row[$0].text }
                let category = xColumn.map { row[$0].description } ?? values[position]
                let seriesName =
                    xColumn == nil || valueColumns.count == 1
                    ? (seriesColumn.map { row[$0].description } ?? values[0])
                    : values[position]
                note(category, in: &categories)
                note(seriesName, in: &seriesNames)
                var cell = cells[seriesName, default: [:]][category, default: []]
                if !cell.isEmpty, isSetCount(values[position]) {
                    throw ChartError.spec(
                        file: file, key: values.count == 1 ? "value" : "values",
                        Self.setSumRule
                            + ": rows share the category '\(category)' and the series '\(seriesName)'; split them by series or filter them to one")
                }
                cell.append(
                    ChartPoint(
                        number, qualifier, derivation: derivation, otherScope: otherScope,
                        register: anchor?(row).map { [$0] } ?? []))
                cells[seriesName, default: [:]][category] = cell
            }
            if let referenceColumn, let xColumn, let number = row[referenceColumn].number {
                let category = row[xColumn].description
                note(category, in: &categories)
                // The reference is one figure per category, the same in every row that shares it.
                references[category] = [ChartPoint(number, derivation: referenceDerivation.flatMap { row[$0].text })]
            }
        }
        if !categories.isEmpty, categories.allSatisfy({ Int($0) != nil }) {
            categories.sort { Int($0)! < Int($1)! }
        }
        func combine(_ points: [ChartPoint]?) -> ChartPoint? {
            guard let points, !points.isEmpty else { return nil }
            if points.count == 1 { return points[0] }
            // A sum is derived if any part is; it counts something else if any part does.
            let derivations = points.compactMap(\.derivation)
            return ChartPoint(
                points.reduce(0) { $0 + $1.value }, Qualifier.combined(points.map(\.qualifier)),
                derivation: derivations.isEmpty ? nil : Wording(language).sumWithDerived(derivations),
                otherScope: points.compactMap(\.otherScope).first,
                register: points.flatMap(\.register))
        }
        func carried(_ points: [ChartPoint?]) -> [ChartPoint?] {
            guard carryForward else { return points }
            var last: ChartPoint?
            return points.map { point in
                if let point { last = point }
                return point ?? last
            }
        }
        // A series named after a value column reads as a heading: "member_states" → "Member states".
        func seriesTitle(_ name: String) -> String {
            if let seriesName, seriesColumn == nil, xColumn == nil || valueColumns.count == 1 { return seriesName }
            if names[name] == nil, seriesColumn == nil || valueColumns.count > 1, values.contains(name) {
                if language != .en, let measure = Measure(rawValue: name) { return Wording(language).measureWords(measure) }
                let spaced = name.replacingOccurrences(of: "_", with: " ")
                return spaced.prefix(1).uppercased() + spaced.dropFirst()
            }
            return displayName(name)
        }
        let series = seriesNames.map { name in
            ChartSeries(name: seriesTitle(name), points: carried(categories.map { combine(cells[name]?[$0]) }))
        }
        let reference =
            references.isEmpty
            ? nil
            : ChartSeries(name: referenceName, points: carried(categories.map { references[$0]?.first }))
        var data = ChartData(categories: categories.map(displayName), series: series, reference: reference, language: language)
        data.coverage = try coverageSentence(snapshot, chartCount: data.points.reduce(0) { $0 + $1.value })
        return data
    }

    /// "The dataset holds 22 of the 160 events that the source reports for October 2020 – October 2024."
    /// `chartCount` is how many events the chart itself counts, which may take in
    /// events outside the period: then the sentence says so.
    func coverageSentence(_ snapshot: Snapshot, chartCount: Double) throws(ChartError) -> String? {
        guard let coverage else { return nil }
        let organisation: String? = filters.first { $0.column == "organisation" && !$0.negated && $0.values.count == 1 }?.values[0]
        guard let table = snapshot["coverage"], let organisation,
            let o = table.columns.firstIndex(of: "organisation"), let m = table.columns.firstIndex(of: "measure"),
            let v = table.columns.firstIndex(of: "value"), let q = table.columns.firstIndex(of: "qualifier"),
            let f = table.columns.firstIndex(of: "period_from"), let t = table.columns.firstIndex(of: "period_to"),
            let n = table.columns.firstIndex(of: "in_dataset"),
            let row = table.rows.first(where: { $0[o].description == organisation && $0[m].description == coverage })
        else {
            throw ChartError.spec(
                file: file, key: "coverage",
                "the snapshot has no period total '\(coverage)' for the organisation this chart filters to")
        }
        let reported = ChartPoint(row[v].number ?? 0, row[q].text.flatMap(Qualifier.init(rawValue:)) ?? .exact)
        var period: (PartialDate, PartialDate)?
        if let from = row[f].text.flatMap({ try? PartialDate(parsing: $0) }), let to = row[t].text.flatMap({ try? PartialDate(parsing: $0) }) {
            period = (from, to)
        }
        return Wording(language).coverage(
            held: row[n].number ?? 0, reported: (reported.value, reported.label(in: language)), cbm: coverage == "cbm_events",
            period: period,
            chartCount: chartCount)
    }

    /// How the chart looks at a theme and scale, in the chart file's size.
    public func style(theme: Theme, scale: Int) -> ChartStyle {
        ChartStyle(
            kind: kind, title: title, subtitle: subtitle, source: source, width: width, height: height,
            valueLabels: valueLabels, theme: theme, scale: scale, language: language,
            totalCaption: coverage == nil ? nil : Wording(language).inTheDataset)
    }

    /// How the chart looks as `image`; a narrow image has the narrow layout's size.
    public func style(_ image: ChartImage, narrowSize: (width: Int, height: Int)?) -> ChartStyle {
        var style = style(theme: image.dark ? .dark : .light, scale: image.scale)
        if image.narrow, let narrowSize { (style.width, style.height, style.narrow) = (narrowSize.width, narrowSize.height, true) }
        return style
    }

    /// The width of the narrow layout: a 390-pixel phone screen less the page's margins.
    public static let narrowWidth = 360

    /// The narrow layout's size in CSS pixels, or nil when the chart needs none: a
    /// sparkline, or a chart no wider than a phone already.
    public func narrowSize(for data: ChartData) throws(ChartError) -> (width: Int, height: Int)? {
        guard kind != .sparkline, width > Self.narrowWidth + 120 else { return nil }
        var style = style(theme: .light, scale: 1)
        (style.width, style.narrow) = (Self.narrowWidth, true)
        return (Self.narrowWidth, try Painter(style: style).narrowHeight(data))
    }
}
