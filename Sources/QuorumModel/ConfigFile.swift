import Foundation
internal import TOMLKit

/// The configuration file's format: TOML 1.0, read by toml++ (through TOMLKit).
/// Quorum's keys take strings, whole numbers, booleans and arrays of strings;
/// sections and dotted keys name them (`[aggregation]` `schedule = …` is
/// `aggregation.schedule`). A value of another TOML type (a float, a date, a table
/// in an array) is kept as `unsupported`, and the key that reads it says what it needs.
public enum ConfigFile {
    public enum Value: Equatable, Sendable {
        case string(String), integer(Int), boolean(Bool), strings([String])
        /// A TOML value no key of Quorum's takes, by its TOML type ("float", "date", …).
        case unsupported(String)
    }

    public struct SyntaxError: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
        public var description: String { "line \(line): \(message)" }
    }

    /// Keys with their section, like `aggregation.schedule`, to values.
    public static func parse(_ text: String) throws -> [String: Value] {
        // toml++ hands strings over as C strings, which end at a NUL: a value holding
        // one would be cut short without a word. No setting may hold one anyway.
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains("\u{0}") || line.contains(#"\u0000"#) || line.contains(#"\U00000000"#) {
            throw SyntaxError(line: index + 1, message: "a NUL character (U+0000) cannot be held by any setting")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SyntaxError(line: error.source.begin.line, message: error.description)
        }
        var values: [String: Value] = [:]
        flatten(table, prefix: "", into: &values)
        return values
    }

    private static func flatten(_ table: TOMLTable, prefix: String, into values: inout [String: Value]) {
        for (key, value) in table {
            let name = prefix + key
            if let nested = value.table {
                flatten(nested, prefix: name + ".", into: &values)
            } else {
                values[name] = Self.value(value)
            }
        }
    }

    private static func value(_ value: any TOMLValueConvertible) -> Value {
        switch value.type {
        case .string: return value.string.map(Value.string) ?? .unsupported("string")
        case .int: return value.int.map(Value.integer) ?? .unsupported("integer")
        case .bool: return value.bool.map(Value.boolean) ?? .unsupported("boolean")
        case .array:
            let elements = Array(value.array ?? TOMLArray())
            let strings = elements.compactMap(\.string)
            return strings.count == elements.count ? .strings(strings) : .unsupported("array of \(elements.first?.type ?? .string)")
        default: return .unsupported("\(value.type)")
        }
    }
}
