import Foundation

/// Small JSON values that PostgreSQL hands back as text (`array_to_json`, `json_agg`).
enum JSONText {
    static func strings(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}

extension JSONText {
    /// Translations as a JSON object for a `jsonb` column (`{}` for none), keys sorted.
    static func object(_ names: [String: String]?) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(names ?? [:])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Translations read back from a `jsonb` column; nil for none.
    static func names(_ text: String) throws -> [String: String]? {
        let names = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        return names.isEmpty ? nil : names
    }
}
