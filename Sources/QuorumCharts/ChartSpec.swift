import Foundation
import QuorumAggregates
import QuorumModel

/// One chart file from Charts/: what to plot, from which aggregate or query, and how.
/// Charts/README.md documents every key.
public struct ChartSpec: Equatable, Sendable {
    /// Where the figures come from.
    public enum Origin: Equatable, Sendable {
        /// A built-in aggregate of the snapshot, by name.
        case aggregate(String)
        /// A SELECT the aggregation run executes; its result is the snapshot's table `chart:<name>`.
        case sql(String)
    }

    /// Keeps rows whose column holds one of the values (`column=a|b`), or none of them (`column!=a|b`).
    public struct Filter: Equatable, Sendable {
        public let column: String
        public let values: [String]
        public let negated: Bool

        func keeps(_ value: Value) -> Bool {
            // Text as it is: a string made of every row's value cost more than the chart.
            if case .text(let text) = value { return values.contains(text) != negated }
            return values.contains(value.description) != negated
        }
    }

    /// The file name without `.toml`; names the PNG, CSV and JSON files.
    public let name: String
    /// The file, as shown in errors.
    public let file: String
    public private(set) var title: String
    public private(set) var subtitle: String
    public let kind: ChartKind
    public let origin: Origin
    public let x: String?
    public let series: String?
    public let values: [String]
    public let qualifier: String?
    /// The column saying what each figure counted (default: each value column's `_scope`).
    public let scope: String?
    /// The column saying how Quorum derived a figure (default: each value column's `_derivation`).
    public let derivation: String?
    /// For a chart over the events in the dataset: the period total it is a part of
    /// (`events`, `cbm_events`), stated with the chart.
    public let coverage: String?
    public let filters: [Filter]
    public let reference: String?
    public private(set) var referenceName: String
    /// The name of the one series when no `series` column splits the figures.
    public private(set) var seriesName: String?
    public let carryForward: Bool
    /// Display names for raw values (`in_person` → "In person").
    public private(set) var names: [String: String]
    public let width: Int
    public let height: Int
    public let valueLabels: Bool
    public let source: String
    /// The page (without `.html`) the chart goes on.
    public let page: String
    /// The page's heading, when this chart gives it (the first chart on a page that does wins).
    public private(set) var pageTitle: String?
    /// Where on its page the chart goes: lower first, then by name.
    public let order: Int
    /// The chart's own words in other languages, from the file's `[ru]` and `[zh]` tables.
    public let translations: [Language: Translation]
    /// The language the chart is drawn in (`localized(_:)`).
    public private(set) var language: Language = .en
    /// The keys whose words stayed English in that language, for want of a translation.
    public private(set) var untranslated: [String] = []

    /// What a chart file gives under `[ru]` or `[zh]`: its words in that language.
    public struct Translation: Equatable, Sendable {
        public var title: String?
        public var subtitle: String?
        public var names: [String: String] = [:]
        public var seriesName: String?
        public var referenceName: String?
        public var pageTitle: String?
    }

    /// The chart as a reader of `language` sees it: the file's words in that
    /// language where it gives them, the English ones where it does not (listed
    /// in `untranslated`, for the page that says so). Made from the English spec.
    public func localized(_ language: Language) -> ChartSpec {
        var spec = self
        spec.language = language
        guard language != .en else { return spec }
        let translation = translations[language] ?? Translation()
        var untranslated: [String] = []
        func take(_ key: String, _ english: String?, _ translated: String?) -> String? {
            guard let english, !english.isEmpty else { return english }
            if let translated { return translated }
            untranslated.append(key)
            return english
        }
        spec.title = take("title", title, translation.title) ?? title
        spec.subtitle = take("subtitle", subtitle, translation.subtitle) ?? subtitle
        spec.seriesName = take("series_name", seriesName, translation.seriesName)
        spec.pageTitle = take("page_title", pageTitle, translation.pageTitle)
        spec.referenceName =
            translation.referenceName ?? (referenceSetByFile ? take("reference_name", referenceName, nil)! : Wording(language).reference)
        for (raw, name) in names.sorted(by: { $0.key < $1.key }) {
            spec.names[raw] = take("names: \(raw)", name, translation.names[raw])
        }
        spec.untranslated = untranslated
        return spec
    }

    /// Whether the file names the reference line (else it is "Reference" in each language).
    private var referenceSetByFile: Bool { referenceName != Wording(.en).reference }

    /// The name the aggregation run gives the result of an `sql` chart.
    public var tableName: String {
        switch origin {
        case .aggregate(let name): name
        case .sql: AggregateDefinition.chartQueryTable(name)
        }
    }

    public func displayName(_ raw: String) -> String { names[raw] ?? raw }

    // MARK: Parsing

    static let keys: Set<String> = Set([
        "title", "subtitle", "kind", "aggregate", "sql", "x", "series", "value", "values", "qualifier", "filter",
        "reference", "reference_name", "series_name", "carry_forward", "names", "width", "height", "value_labels", "source", "page",
        "page_title", "order", "scope", "derivation", "coverage",
    ]).union(Language.translated.flatMap { language in translatedKeys.map { "\(language.rawValue).\($0)" } })

    /// The keys a `[ru]` or `[zh]` table may give.
    static let translatedKeys = ["title", "subtitle", "names", "series_name", "reference_name", "page_title"]

    // MARK: Honesty rules

    static let setSumRule = "member states are sets, and counts of them are never added (rule: no sum of member-state sets)"
    static let coverageRule = "a chart over the events in the dataset states what part of the reported total they are (rule: coverage)"
    static let wholeRule = "a chart over the events in the dataset must not call them all (rule: no selection called the whole)"

    /// Counts of who was present (member states, countries, organisations), which are sets.
    func isSetCount(_ column: String) -> Bool {
        if let measure = Measure(rawValue: column) { return measure.isSetCount }
        return column.hasSuffix("member_states") || column == "members"
    }

    /// The columns of built-in aggregates that count events of the dataset, not of the documents.
    static let eventCounts: [String: Set<String>] = [
        "format_mix": ["online", "hybrid", "in_person", "not_reported", "events"],
        "cbm_events": ["events"],
        "body_year": ["sessions"],
        "organisation_totals": ["events", "events_with_participants"],
    ]

    /// The columns that make one row of a built-in aggregate (either name of a pair will do).
    static let rowKeys: [String: [[String]]] = [
        "body_year": [["body", "body_name"], ["year"]],
        "year_over_year": [["body", "body_name"], ["year"]],
    ]

    /// Refuses, at load, a chart that would break one of the rules whatever the data.
    func checkHonesty() throws(ChartError) {
        let valueKey = values.count == 1 ? "value" : "values"
        if let set = values.first(where: isSetCount) {
            if [.stackedBars, .donut, .progress].contains(kind) {
                throw ChartError.spec(file: file, key: "kind", "\(Self.setSumRule): a \(kind.rawValue) chart adds up '\(set)'")
            }
            if x == nil, values.count == 1 {
                throw ChartError.spec(file: file, key: valueKey, "\(Self.setSumRule): without x, '\(set)' would be added up over the rows")
            }
            if case .aggregate(let name) = origin, let key = Self.rowKeys[name] {
                let pinned = Set(filters.filter { !$0.negated && $0.values.count == 1 }.map(\.column))
                let split = Set([x, series].compactMap { $0 }).union(pinned)
                if let missing = key.first(where: { Set($0).isDisjoint(with: split) }) {
                    throw ChartError.spec(
                        file: file, key: valueKey,
                        "\(Self.setSumRule): rows of different \(missing[0]) would be added up; "
                            + "make \(missing[0]) the x or the series, or filter to one")
                }
            }
        }
        if case .aggregate(let name) = origin, let counted = Self.eventCounts[name], values.contains(where: counted.contains) {
            guard coverage != nil else {
                throw ChartError.spec(file: file, key: "coverage", "\(Self.coverageRule): add coverage = \"events\" (or another period total)")
            }
            let words = ([title, subtitle, seriesName ?? ""] + names.values).joined(separator: " ").lowercased()
                .split(whereSeparator: { !$0.isLetter })
            if let word = words.first(where: { ["all", "every", "total", "whole"].contains($0) }) {
                throw ChartError.spec(file: file, key: "title", "\(Self.wholeRule): '\(word)'")
            }
            for (language, translation) in translations {
                let text = ([translation.title, translation.subtitle, translation.seriesName].compactMap { $0 } + translation.names.values)
                    .joined(separator: " ").lowercased()
                let words = text.split(whereSeparator: { !$0.isLetter }).map(String.init)
                if let word = words.first(where: { ["все", "всех", "всего", "весь", "вся", "всё", "итого"].contains($0) })
                    ?? ["全部", "所有", "总计", "总数"].first(where: text.contains)
                {
                    throw ChartError.spec(file: file, key: "\(language.rawValue).title", "\(Self.wholeRule): '\(word)'")
                }
            }
        }
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Reads a chart file. `file` is how errors name it; the chart's name is its base name.
    public static func parse(_ text: String, file: String) throws(ChartError) -> ChartSpec {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        guard isValidName(name) else {
            throw ChartError.spec(file: file, key: nil, "the file name must be lower-case letters, digits and hyphens, then .toml")
        }
        let table: [String: ConfigFile.Value]
        do { table = try ConfigFile.parse(text) } catch {
            throw ChartError.spec(file: file, key: nil, String(describing: error))
        }
        let reader = Reader(table: table, file: file)
        if let unknown = table.keys.sorted().first(where: { !keys.contains($0) }) {
            throw ChartError.spec(file: file, key: unknown, "is not a chart key (see Charts/README.md)")
        }
        let kindText = try reader.string("kind", required: true)!
        guard let kind = ChartKind(rawValue: kindText) else {
            throw ChartError.spec(
                file: file, key: "kind", "'\(kindText)' is not one of: \(ChartKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let origin: Origin
        switch (try reader.string("aggregate"), try reader.string("sql")) {
        case (let aggregate?, nil): origin = .aggregate(aggregate)
        case (nil, let sql?):
            guard
                sql.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().hasPrefix("select")
                    || sql.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().hasPrefix("with")
            else {
                throw ChartError.spec(file: file, key: "sql", "must be a SELECT")
            }
            origin = .sql(sql)
        case (nil, nil): throw ChartError.spec(file: file, key: "aggregate", "say where the figures come from: aggregate or sql")
        case (_?, _?): throw ChartError.spec(file: file, key: "sql", "give aggregate or sql, not both")
        }
        let value = try reader.string("value")
        let values = try reader.strings("values")
        guard (value == nil) != values.isEmpty else {
            throw ChartError.spec(file: file, key: "value", "give value (one column) or values (several), exactly one of them")
        }
        let filters = try reader.strings("filter").map { (text: String) throws(ChartError) -> Filter in
            let negated = text.contains("!=")
            let parts = text.components(separatedBy: negated ? "!=" : "=")
            guard parts.count == 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ChartError.spec(file: file, key: "filter", "'\(text)' is not column=value or column!=value")
            }
            return Filter(
                column: parts[0].trimmingCharacters(in: .whitespaces),
                values: parts[1].components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) },
                negated: negated)
        }
        func displayNames(_ key: String) throws(ChartError) -> [String: String] {
            var names: [String: String] = [:]
            for entry in try reader.strings(key) {
                guard let equals = entry.firstIndex(of: "=") else {
                    throw ChartError.spec(file: file, key: key, "'\(entry)' is not raw=Display name")
                }
                names[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
            }
            return names
        }
        let names = try displayNames("names")
        var translations: [Language: Translation] = [:]
        for language in Language.translated {
            let prefix = language.rawValue + "."
            guard table.keys.contains(where: { $0.hasPrefix(prefix) }) else { continue }
            let translation = Translation(
                title: try reader.string(prefix + "title"), subtitle: try reader.string(prefix + "subtitle"),
                names: try displayNames(prefix + "names"), seriesName: try reader.string(prefix + "series_name"),
                referenceName: try reader.string(prefix + "reference_name"), pageTitle: try reader.string(prefix + "page_title"))
            if let raw = translation.names.keys.sorted().first(where: { names[$0] == nil }) {
                throw ChartError.spec(file: file, key: prefix + "names", "'\(raw)' has no English name in names")
            }
            translations[language] = translation
        }
        let page = try reader.string("page") ?? "index"
        guard isValidName(page) else { throw ChartError.spec(file: file, key: "page", "'\(page)' must be lower-case letters, digits and hyphens") }
        let defaultSize = kind == .sparkline ? (160, 40) : (800, 400)
        let width = try reader.integer("width", default: defaultSize.0, in: 40...4000)
        let height = try reader.integer("height", default: defaultSize.1, in: 24...4000)
        let x = try reader.string("x")
        if x == nil && values.isEmpty {
            throw ChartError.spec(file: file, key: "x", "is required unless values names the columns to compare")
        }
        let spec = ChartSpec(
            name: name, file: file, title: try reader.string("title", required: true)!, subtitle: try reader.string("subtitle") ?? "",
            kind: kind, origin: origin, x: x, series: try reader.string("series"),
            values: value.map { [$0] } ?? values, qualifier: try reader.string("qualifier"), scope: try reader.string("scope"),
            derivation: try reader.string("derivation"), coverage: try reader.string("coverage"), filters: filters,
            reference: try reader.string("reference"), referenceName: try reader.string("reference_name") ?? Wording(.en).reference,
            seriesName: try reader.string("series_name"),
            carryForward: try reader.boolean("carry_forward"), names: names, width: width, height: height,
            valueLabels: try reader.boolean("value_labels"), source: try reader.string("source") ?? "", page: page,
            pageTitle: try reader.string("page_title"), order: try reader.integer("order", default: 100, in: -100_000...100_000),
            translations: translations)
        try spec.checkHonesty()
        return spec
    }

    /// `ConfigFile.Reader`, the one typed reader of every file Quorum reads, with
    /// errors that name the chart file and the key, and text that may not be blank.
    private struct Reader {
        let table: [String: ConfigFile.Value]
        let file: String

        private func read<T>(_ get: (ConfigFile.Reader) throws(ConfigFile.KeyProblem) -> T?) throws(ChartError) -> T? {
            do {
                return try get(ConfigFile.Reader(table))
            } catch {
                throw ChartError.spec(file: file, key: error.key, error.message)
            }
        }

        func string(_ key: String, required: Bool = false) throws(ChartError) -> String? {
            guard let text = try read({ reader throws(ConfigFile.KeyProblem) in try reader.string(key) }) else {
                if required { throw ChartError.spec(file: file, key: key, "is required") }
                return nil
            }
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ChartError.spec(file: file, key: key, "is empty") }
            return text
        }

        func strings(_ key: String) throws(ChartError) -> [String] {
            try read { reader throws(ConfigFile.KeyProblem) in try reader.strings(key) } ?? []
        }

        func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(ChartError) -> Int {
            try read { reader throws(ConfigFile.KeyProblem) in try reader.integer(key, in: range) } ?? fallback
        }

        func boolean(_ key: String) throws(ChartError) -> Bool {
            try read { reader throws(ConfigFile.KeyProblem) in try reader.boolean(key) } ?? false
        }
    }
}
