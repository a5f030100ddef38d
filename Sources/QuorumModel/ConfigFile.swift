import Foundation

/// The configuration file's format: a small, strict subset of TOML —
/// `[section]` headers, `key = value` lines, `#` comments; values are strings
/// in double quotes, whole numbers, `true`/`false`, or arrays of strings. A string
/// may span lines between triple quotes (`"""` … `"""`), taken as written (no
/// escapes; a newline right after the opening quotes is dropped), for SQL in chart files.
public enum ConfigFile {
    public enum Value: Equatable, Sendable {
        case string(String), integer(Int), boolean(Bool), strings([String])
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
        var values: [String: Value] = [:]
        var section = ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var index = 0
        while index < lines.count {
            let number = index + 1
            let raw = lines[index]
            index += 1
            if let (key, opening) = multiLineStart(String(raw)) {
                // Everything up to the closing triple quotes, comments and all, is the string.
                var body = opening.trimmingCharacters(in: .whitespaces).isEmpty ? "" : opening
                var closed = false
                if let end = body.range(of: "\"\"\"") {
                    guard body[end.upperBound...].trimmingCharacters(in: .whitespaces).isEmpty else {
                        throw SyntaxError(line: number, message: "nothing may follow the closing \"\"\"")
                    }
                    body = String(body[..<end.lowerBound])
                    closed = true
                }
                while !closed {
                    guard index < lines.count else { throw SyntaxError(line: number, message: "a \"\"\" string is never closed") }
                    let next = String(lines[index])
                    index += 1
                    if let end = next.range(of: "\"\"\"") {
                        guard next[end.upperBound...].trimmingCharacters(in: .whitespaces).isEmpty else {
                            throw SyntaxError(line: index, message: "nothing may follow the closing \"\"\"")
                        }
                        body += "\n" + next[..<end.lowerBound]
                        closed = true
                    } else {
                        body += "\n" + next
                    }
                }
                if body.hasPrefix("\n") { body.removeFirst() }
                let full = section.isEmpty ? key : "\(section).\(key)"
                guard values[full] == nil else { throw SyntaxError(line: number, message: "\(full) is set twice") }
                values[full] = .string(body)
                continue
            }
            let line = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw SyntaxError(line: number, message: "a section header is [name]") }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw SyntaxError(line: number, message: "expected key = value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw SyntaxError(line: number, message: "'\(key)' is not a key")
            }
            let full = section.isEmpty ? key : "\(section).\(key)"
            guard values[full] == nil else { throw SyntaxError(line: number, message: "\(full) is set twice") }
            values[full] = try value(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces), line: number)
        }
        return values
    }

    /// `key = """…`: the key and what follows the opening quotes on that line.
    private static func multiLineStart(_ line: String) -> (String, String)? {
        guard let equals = line.firstIndex(of: "=") else { return nil }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces)
        let rest = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
        guard rest.hasPrefix("\"\"\""), !key.isEmpty, !key.hasPrefix("#"),
            key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        else { return nil }
        return (key, String(rest.dropFirst(3)))
    }

    private static func value(_ text: String, line: Int) throws -> Value {
        if text == "true" { return .boolean(true) }
        if text == "false" { return .boolean(false) }
        if let integer = Int(text.replacingOccurrences(of: "_", with: "")) { return .integer(integer) }
        if text.hasPrefix("\"") { return .string(try string(text, line: line)) }
        if text.hasPrefix("["), text.hasSuffix("]") {
            let inner = text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            if inner.isEmpty { return .strings([]) }
            return .strings(try splitArray(inner).map { try string($0.trimmingCharacters(in: .whitespaces), line: line) })
        }
        throw SyntaxError(line: line, message: "'\(text)' is not a value (strings need double quotes)")
    }

    private static func string(_ text: String, line: Int) throws -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else {
            throw SyntaxError(line: line, message: "\(text) is not a quoted string")
        }
        var result = ""
        var escaping = false
        for character in text.dropFirst().dropLast() {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\"", "\\": result.append(character)
                default: throw SyntaxError(line: line, message: "unknown escape \\\(character)")
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "\"" {
                throw SyntaxError(line: line, message: "a quote inside \(text) needs a backslash")
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func splitArray(_ text: String) throws -> [String] {
        var items: [String] = []
        var current = ""
        var quoted = false
        var previous: Character = " "
        for character in text {
            if character == "\"" && previous != "\\" { quoted.toggle() }
            if character == "," && !quoted {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { items.append(current) }
        return items
    }

    private static func stripComment(_ line: String) -> String {
        var quoted = false
        var previous: Character = " "
        for (offset, character) in line.enumerated() {
            if character == "\"" && previous != "\\" { quoted.toggle() }
            if character == "#" && !quoted { return String(line.prefix(offset)) }
            previous = character
        }
        return line
    }
}
