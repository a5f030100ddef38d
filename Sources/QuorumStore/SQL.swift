import Foundation
import QuorumModel

/// A statement with its values kept apart from its text.
///
/// Every interpolated value becomes a bind parameter (`$1`, `$2`, …), so building a
/// statement from values can never inject SQL:
///
///     try connection.query("SELECT id FROM quorum.body WHERE code = \(code)")
///
/// Identifiers and fixed fragments are written as literal text, never interpolated.
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    public private(set) var text: String
    public private(set) var binds: [String?]

    public init(stringLiteral value: String) {
        text = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        binds = stringInterpolation.binds
    }

    /// A statement whose parameters are given separately, already numbered in `text`.
    public init(_ text: String, binds: [String?]) {
        self.text = text
        self.binds = binds
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        public mutating func appendInterpolation(_ value: some PGEncodable) {
            binds.append(value.pgText)
            text += "$\(binds.count)"
        }

        public mutating func appendInterpolation(_ value: (some PGEncodable)?) {
            binds.append(value?.pgText)
            text += "$\(binds.count)"
        }
    }
}

/// A Swift value that can be sent as a text-format parameter.
public protocol PGEncodable: Sendable {
    var pgText: String? { get }
}

/// A Swift value that can be read from a text-format column.
public protocol PGDecodable {
    init(pgText: String) throws
}

extension String: PGEncodable, PGDecodable {
    public var pgText: String? { self }
    public init(pgText: String) { self = pgText }
}

extension Int: PGEncodable, PGDecodable {
    public var pgText: String? { String(self) }
    public init(pgText: String) throws {
        guard let value = Int(pgText) else { throw PQError.decoding("not an integer: \(pgText.prefix(40))") }
        self = value
    }
}

extension Int64: PGEncodable, PGDecodable {
    public var pgText: String? { String(self) }
    public init(pgText: String) throws {
        guard let value = Int64(pgText) else { throw PQError.decoding("not an integer: \(pgText.prefix(40))") }
        self = value
    }
}

extension Int32: PGEncodable, PGDecodable {
    public var pgText: String? { String(self) }
    public init(pgText: String) throws {
        guard let value = Int32(pgText) else { throw PQError.decoding("not a 32-bit integer: \(pgText.prefix(40))") }
        self = value
    }
}

extension Double: PGEncodable, PGDecodable {
    public var pgText: String? { "\(self)" }
    public init(pgText: String) throws {
        guard let value = Double(pgText) else { throw PQError.decoding("not a number: \(pgText.prefix(40))") }
        self = value
    }
}

extension Bool: PGEncodable, PGDecodable {
    public var pgText: String? { self ? "t" : "f" }
    public init(pgText: String) throws {
        switch pgText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PQError.decoding("not a boolean: \(pgText.prefix(40))")
        }
    }
}

/// A text array parameter, written in PostgreSQL's array literal form.
public struct TextArray: PGEncodable, Equatable {
    public var elements: [String]
    public init(_ elements: [String]) { self.elements = elements }

    public var pgText: String? {
        let quoted = elements.map { element in
            "\""
                + element.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}

/// SQL text written in Quorum's own code — column lists, clauses — spliced into a
/// statement as text. Internal, so no input can ever become one.
struct SQLFragment: Sendable {
    let text: String
}

extension SQL.StringInterpolation {
    mutating func appendInterpolation(_ fragment: SQLFragment) { text += fragment.text }
}

/// `ON CONFLICT … DO UPDATE` that rewrites a row only when a value changed, so a
/// re-import of the same data writes nothing (and bumps no data version). The
/// table must be aliased `t`.
func updateChanged(_ columns: String...) -> SQLFragment { updateChanged(columns) }

func updateChanged(_ columns: [String]) -> SQLFragment {
    let set = columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    let old = columns.map { "t.\($0)" }.joined(separator: ", ")
    let new = columns.map { "excluded.\($0)" }.joined(separator: ", ")
    return SQLFragment(text: "DO UPDATE SET \(set) WHERE (\(old)) IS DISTINCT FROM (\(new))")
}

/// PostgreSQL's text form of a one-dimensional array (`{1,2}`, `{a,"b c",NULL}`), read back.
public enum PGArray {
    public static func elements(_ text: String) throws -> [String?] {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else {
            throw PQError.decoding("not an array: \(text.prefix(40))")
        }
        var elements: [String?] = []
        var position = 1
        let end = bytes.count - 1
        guard position < end else { return [] }
        while true {
            var element: [UInt8] = []
            var quoted = false
            if bytes[position] == UInt8(ascii: "\"") {
                quoted = true
                position += 1
                while position < end, bytes[position] != UInt8(ascii: "\"") {
                    if bytes[position] == UInt8(ascii: "\\") { position += 1 }
                    if position < end { element.append(bytes[position]) }
                    position += 1
                }
                position += 1  // the closing quote
            } else {
                while position < end, bytes[position] != UInt8(ascii: ",") {
                    element.append(bytes[position])
                    position += 1
                }
            }
            let value = String(decoding: element, as: UTF8.self)
            elements.append(!quoted && value.uppercased() == "NULL" ? nil : value)
            guard position < end else { return elements }
            guard bytes[position] == UInt8(ascii: ",") else { throw PQError.decoding("not an array: \(text.prefix(40))") }
            position += 1
        }
    }
}

/// The database spells a qualifier as the model does (its raw value).
extension Qualifier: PGEncodable, PGDecodable {
    public var pgText: String? { rawValue }
    public init(pgText: String) throws {
        guard let qualifier = Qualifier(rawValue: pgText) else { throw PQError.decoding("not a qualifier: \(pgText.prefix(40))") }
        self = qualifier
    }
}
