import QuorumModel

/// The names of the codes an aggregate's rows hold, in each language, for the API
/// to send beside the codes (as SDMX-JSON sends a dimension's values with their
/// names): organisations, bodies and dimensions as the dataset names them (the
/// snapshot's `names` aggregate), the codes of Quorum's vocabularies as Quorum
/// names them (`ColumnLabels`). A body is keyed `organisation/body`, since body
/// codes are unique only within their organisation.
public enum CodeNames {
    /// A name by language code: "en" always, "ru" and "zh" where there is one.
    public typealias Names = [String: String]

    /// Column → code → its names, for the columns of `table` that hold codes, over
    /// `rows` (the table's, or those a filter kept); `dataset` is `datasetNames` of
    /// the table's snapshot, read once for all its tables.
    public static func of(_ table: AggregateTable, rows: [[Value]], dataset: [String: [String: Names]]) -> [String: [String: Names]] {
        let organisation = table.columns.firstIndex(of: "organisation")
        var result: [String: [String: Names]] = [:]
        for (index, column) in table.columns.enumerated() {
            let kind = ColumnLabels.label(column, in: table.name).kind
            var named: [String: Names] = [:]
            for row in rows {
                guard let code = row[index].text else { continue }
                switch kind {
                case .organisation: named[code] = dataset["organisation"]?[code]
                case .body:
                    guard let organisation, let owner = row[organisation].text else { continue }
                    named["\(owner)/\(code)"] = dataset["body"]?["\(owner)/\(code)"]
                case .code(let vocabulary): named[code] = quorumNames(code, vocabulary)
                case .qualifier: named[code] = quorumNames(code, .qualifier)
                case .text where column == "dimension": named[code] = dataset["dimension"]?[code]
                default: continue
                }
            }
            if !named.isEmpty { result[column] = named }
        }
        return result
    }

    /// Each language's name of a code of one of Quorum's vocabularies.
    static func quorumNames(_ code: String, _ vocabulary: ColumnLabels.Vocabulary) -> Names {
        Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0.rawValue, ColumnLabels.words(code, vocabulary, in: $0)) })
    }

    /// Kind (organisation, body, dimension, priority_area) → code → names, from the
    /// snapshot's `names` aggregate.
    public static func datasetNames(_ snapshot: Snapshot) -> [String: [String: Names]] {
        guard let table = snapshot["names"], let kind = table.columns.firstIndex(of: "kind"),
            let code = table.columns.firstIndex(of: "code")
        else { return [:] }
        let languages = Language.allCases.compactMap { language in table.columns.firstIndex(of: language.rawValue).map { (language, $0) } }
        var names: [String: [String: Names]] = [:]
        for row in table.rows {
            guard let kind = row[kind].text, let code = row[code].text else { continue }
            var entry: Names = [:]
            for (language, index) in languages {
                if let name = row[index].text { entry[language.rawValue] = name }
            }
            names[kind, default: [:]][code] = entry
        }
        return names
    }
}
