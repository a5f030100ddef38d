import Foundation

/// Small JSON values that PostgreSQL hands back as text (`array_to_json`, `json_agg`).
enum JSONText {
    static func strings(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}
