/// Finds where a text stops being JSON (RFC 8259), for a message that names the
/// line and the column: Foundation's decoder says only that the data is not valid.
enum JSONSyntax {
    struct Failure: Error, Equatable {
        let line: Int
        let column: Int
        let message: String
    }

    /// The first syntax error of `bytes`, or nil when they are one JSON value.
    static func firstError(in bytes: [UInt8]) -> Failure? {
        var scanner = Scanner(bytes: bytes)
        do throws(Failure) {
            scanner.skipSpace()
            if scanner.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw scanner.failure("a byte order mark is not JSON") }
            try scanner.value(depth: 0)
            scanner.skipSpace()
            if scanner.position < bytes.count { throw scanner.failure("text after the end of the JSON value") }
            return nil
        } catch {
            return error
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        /// Line and column (in characters, from 1) of the current position.
        func failure(_ message: String) -> Failure {
            var line = 1, lineStart = 0
            for index in 0..<min(position, bytes.count) where bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
            }
            let column = String(decoding: bytes[lineStart..<min(position, bytes.count)], as: UTF8.self).count + 1
            return Failure(line: line, column: column, message: message)
        }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        }

        mutating func expect(_ word: String) throws(Failure) {
            for byte in word.utf8 {
                guard current == byte else { throw failure("expected \(word)") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws(Failure) {
            guard depth < 512 else { throw failure("nested too deeply") }
            skipSpace()
            switch current {
            case UInt8(ascii: "{"):
                position += 1
                skipSpace()
                if current == UInt8(ascii: "}") {
                    position += 1
                    return
                }
                while true {
                    skipSpace()
                    guard current == UInt8(ascii: "\"") else { throw failure("expected a key in double quotes") }
                    try string()
                    skipSpace()
                    guard current == UInt8(ascii: ":") else { throw failure("expected ':' after the key") }
                    position += 1
                    try value(depth: depth + 1)
                    skipSpace()
                    if current == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
                    guard current == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
                    position += 1
                    return
                }
            case UInt8(ascii: "["):
                position += 1
                skipSpace()
                if current == UInt8(ascii: "]") {
                    position += 1
                    return
                }
                while true {
                    try value(depth: depth + 1)
                    skipSpace()
                    if current == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
                    guard current == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
                    position += 1
                    return
                }
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            case nil: throw failure("the text ends where a value should be")
            case let byte? where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte): try number()
            default: throw failure("expected a value")
            }
        }

        mutating func string() throws(Failure) {
            position += 1
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return
                case UInt8(ascii: "\\"):
                    position += 1
                    guard let escaped = current else { break }
                    if escaped == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            position += 1
                            guard let hex = current, (0x30...0x39).contains(hex) || (0x41...0x46).contains(hex) || (0x61...0x66).contains(hex)
                            else { throw failure("expected four hexadecimal digits after \\u") }
                        }
                    } else if !"\"\\/bfnrt".utf8.contains(escaped) {
                        throw failure("not an escape that JSON knows")
                    }
                    position += 1
                case 0x00..<0x20:
                    throw failure("a control character inside a string must be escaped")
                default:
                    position += 1
                }
            }
            throw failure("the string is not closed")
        }

        mutating func number() throws(Failure) {
            if current == UInt8(ascii: "-") { position += 1 }
            func digits() -> Int {
                let start = position
                while let byte = current, (0x30...0x39).contains(byte) { position += 1 }
                return position - start
            }
            guard digits() > 0 else { throw failure("expected a digit") }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw failure("expected a digit after the decimal point") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw failure("expected a digit in the exponent") }
            }
        }
    }
}
