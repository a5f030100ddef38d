/// RFC 4180 CSV, read as a stream of records so that a file of any size is read
/// in constant memory, and written with spreadsheet formula injection defused.
public struct CSVReader {
    public struct Record {
        /// The line the record starts on, counting from 1.
        public let line: Int
        public let fields: [String]
    }

    public struct SyntaxError: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    private let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
    private let carriageReturn = UInt8(ascii: "\r")
    private let read: (inout [UInt8]) throws -> Bool
    private var buffer: [UInt8] = []
    private var position = 0
    private var line = 1
    private var exhausted = false
    private var atStart = true

    /// `read` appends the next bytes to its argument and returns false at the end.
    public init(read: @escaping (inout [UInt8]) throws -> Bool) {
        self.read = read
    }

    /// Reads `bytes`, which start on line `firstLine` of their file. The bytes
    /// are the whole input: the reader takes them as its buffer, with no copy.
    public init(bytes: [UInt8], firstLine: Int = 1) {
        self.init { _ in false }
        buffer = bytes
        line = firstLine
        atStart = firstLine == 1
    }

    /// The next record, or nil at the end of the input.
    public mutating func next() throws -> Record? {
        var fields = CSVFields()
        guard try next(into: &fields) else { return nil }
        return Record(line: fields.line, fields: (0..<fields.count).map { fields[$0] })
    }

    /// Reads the next record into `fields`, reusing its storage; false at the end of the input.
    public mutating func next(into fields: inout CSVFields) throws -> Bool {
        guard try fill() else { return false }
        if atStart {
            atStart = false
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }  // a UTF-8 byte order mark
        }
        fields.removeAll()
        fields.line = line
        var quoted = false
        var wasQuoted = false

        while true {
            if position >= buffer.count, !(try fill()) {
                if quoted { throw SyntaxError(line: fields.line, message: "a quoted field is never closed") }
                fields.endField()
                return true
            }
            let byte = buffer[position]
            position += 1
            if quoted {
                if byte == quote {
                    if position >= buffer.count, !(try fill()) {
                        quoted = false
                        continue
                    }
                    if buffer[position] == quote {
                        fields.buffer.append(byte)
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == newline { line += 1 }
                    fields.buffer.append(byte)
                    // The rest of the quoted run at once, up to the next quote or newline.
                    let end = buffer[position...].firstIndex { $0 == quote || $0 == newline } ?? buffer.count
                    fields.buffer.append(contentsOf: buffer[position..<end])
                    position = end
                }
                continue
            }
            switch byte {
            case comma:
                fields.endField()
                wasQuoted = false
            case quote:
                guard fields.isLastFieldEmpty, !wasQuoted else {
                    throw SyntaxError(line: line, message: "a quote inside an unquoted field")
                }
                quoted = true
                wasQuoted = true
            case carriageReturn:
                continue
            case newline:
                line += 1
                fields.endField()
                return true
            default:
                if wasQuoted { throw SyntaxError(line: line, message: "text after a closing quote") }
                fields.buffer.append(byte)
                // The rest of an unquoted run at once: this is where most bytes go.
                let end =
                    buffer[position...].firstIndex { $0 == comma || $0 == newline || $0 == quote || $0 == carriageReturn }
                    ?? buffer.count
                fields.buffer.append(contentsOf: buffer[position..<end])
                position = end
            }
        }
    }

    /// Makes sure a byte is ready at `position`; false at the end of the input.
    private mutating func fill() throws -> Bool {
        while position >= buffer.count {
            if exhausted { return false }
            buffer.removeAll(keepingCapacity: true)
            position = 0
            exhausted = !(try read(&buffer))
        }
        return true
    }
}

/// One record's fields, unescaped and back to back in one buffer that is reused
/// from record to record, so reading a record allocates nothing.
public struct CSVFields {
    /// The line the record starts on, counting from 1.
    public internal(set) var line = 0
    var buffer: [UInt8] = []
    /// Where each field ends in `buffer`.
    private var ends: [Int] = []

    public init() {}

    public init(_ fields: [String]) {
        for field in fields {
            buffer.append(contentsOf: field.utf8)
            endField()
        }
    }

    public var count: Int { ends.count }

    /// The bytes of field `index`.
    public func bytes(_ index: Int) -> ArraySlice<UInt8> {
        buffer[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    public subscript(index: Int) -> String { String(decoding: bytes(index), as: UTF8.self) }

    /// Whether the record is a blank line: one empty field.
    public var isBlank: Bool { ends.count == 1 && ends[0] == 0 }

    var isLastFieldEmpty: Bool { buffer.count == (ends.last ?? 0) }

    mutating func endField() { ends.append(buffer.count) }

    mutating func removeAll() {
        buffer.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}

public enum CSVWriter {
    /// One line of CSV, ending in CRLF as RFC 4180 has it.
    public static func line(_ fields: [String]) -> String {
        fields.map(cell).joined(separator: ",") + "\r\n"
    }

    /// A cell, quoted when needed and defused: a cell a spreadsheet would run as a
    /// formula (starting with = + - @, tab or CR) gets a leading apostrophe, which
    /// `CSVCell.restore` takes off again so that a round trip is lossless.
    public static func cell(_ value: String) -> String {
        let defused = CSVCell.defuse(value)
        let needsQuotes =
            defused.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || defused.first == " " || defused.last == " "
        guard needsQuotes else { return defused }
        return "\"" + defused.replacing("\"", with: "\"\"") + "\""
    }
}

public enum CSVCell {
    private static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    public static func defuse(_ value: String) -> String {
        guard let first = value.first else { return value }
        if triggers.contains(first) { return "'" + value }
        // An apostrophe that restore would take off is doubled, to survive it.
        if first == "'", let second = value.dropFirst().first, triggers.contains(second) || second == "'" {
            return "'" + value
        }
        return value
    }

    public static func restore(_ cell: String) -> String {
        guard cell.utf8.first == UInt8(ascii: "'"), let second = cell.dropFirst().first,
            triggers.contains(second) || second == "'"
        else { return cell }
        return String(cell.dropFirst())
    }
}
