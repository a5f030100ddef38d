import Foundation
import QuorumBlocking

/// A snapshot's rows as the JSON of its payload, in slices of `sliceRows` rows by
/// table: the next run writes again only the slices whose rows changed.
public struct EncodedRows: Sendable {
    static let sliceRows = 1024
    var slices: [String: [[UInt8]]] = [:]
}

/// The stored form of a snapshot's tables: JSON, written directly rather than
/// through JSONEncoder, which on a large snapshot took longer than a whole
/// incremental run. `JSONDecoder` reads it back (`Aggregator.latest`).
extension [AggregateTable] {
    var payload: String { payload(reusing: nil).text }

    /// The payload, and its rows in slices for the next run. A slice that holds
    /// exactly the rows `base` held at the same place is `base`'s own.
    func payload(reusing base: Snapshot?) -> (text: String, encoded: EncodedRows) {
        let before = Dictionary(base?.tables.map { ($0.name, $0) } ?? [], uniquingKeysWith: { first, _ in first })
        // The rows are written in slices on all cores: the database is idle while a
        // run writes its payload, and on a large snapshot this is most of a refresh.
        let slices = indices.flatMap { table in
            stride(from: 0, to: self[table].rows.count, by: EncodedRows.sliceRows).map { start in
                (table: table, rows: start..<Swift.min(start + EncodedRows.sliceRows, self[table].rows.count))
            }
        }
        let rows = Parallel.map(slices.count) { index -> [UInt8] in
            let (table, range) = (self[slices[index].table], slices[index].rows)
            // The base's slice holds the same rows (a table may have grown or shrunk) with
            // equal values, which are written alike: `stored` gives the same form to both.
            if let old = before[table.name], let encoded = base?.encodedRows?.slices[table.name],
                encoded.indices.contains(range.lowerBound / EncodedRows.sliceRows),
                Swift.min(range.lowerBound + EncodedRows.sliceRows, old.rows.count) == range.upperBound,
                table.rows[range].elementsEqual(old.rows[range])
            {
                return encoded[range.lowerBound / EncodedRows.sliceRows]
            }
            var json = JSONBytes(capacity: 1 << 18)
            json.rows(table.rows[range])
            // Kept for the next run at its own size, not the capacity it was written in.
            return json.bytes.withUnsafeBufferPointer { [UInt8]($0) }
        }
        var slice = 0
        var json = JSONBytes(capacity: rows.reduce(4096) { $0 + $1.count + 1 })
        json.append("[")
        for (index, table) in enumerated() {
            if index > 0 { json.append(",") }
            json.append("{\"columns\":[")
            for (columnIndex, column) in table.columns.enumerated() {
                if columnIndex > 0 { json.append(",") }
                json.string(column)
            }
            json.append("],\"description\":")
            json.string(table.description)
            if let error = table.error {
                json.append(",\"error\":")
                json.string(error)
            }
            json.append(",\"name\":")
            json.string(table.name)
            json.append(",\"rows\":[")
            var first = true
            while slice < slices.count, slices[slice].table == index {
                if !first { json.byte(",") }
                json.bytes.append(contentsOf: rows[slice])
                first = false
                slice += 1
            }
            json.append("]}")
        }
        json.append("]")
        var encoded = EncodedRows()
        for (slice, bytes) in zip(slices, rows) { encoded.slices[self[slice.table].name, default: []].append(bytes) }
        return (String(decoding: json.bytes, as: UTF8.self), encoded)
    }

    /// The tables as a reader of the payload sees them.
    var stored: [AggregateTable] {
        map { table in
            AggregateTable(
                name: table.name, description: table.description, columns: table.columns,
                rows: table.rows.map { row in row.contains { $0 != $0.stored } ? row.map(\.stored) : row },
                error: table.error)
        }
    }
}

/// JSON written byte by byte; text without quotes, backslashes or control
/// characters (nearly all of it) is copied as it is.
private struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Rows as JSON arrays, separated by commas.
    mutating func rows(_ rows: ArraySlice<[Value]>) {
        for (rowIndex, row) in rows.enumerated() {
            if rowIndex > 0 { byte(",") }
            byte("[")
            for (cellIndex, cell) in row.enumerated() {
                if cellIndex > 0 { byte(",") }
                switch cell.stored {
                case .null: append("null")
                case .integer(let value): integer(value)
                case .number(let value): append(value.description)
                case .text(let value): string(value)
                }
            }
            byte("]")
        }
    }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func byte(_ character: Unicode.Scalar) { bytes.append(UInt8(ascii: character)) }

    /// A whole number's digits, without making a string of them (most cells are numbers).
    mutating func integer(_ value: Int64) {
        if value < 0 { byte("-") }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()  // written least significant first
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case UInt8(ascii: "\n"): append("\\n")
                case UInt8(ascii: "\r"): append("\\r")
                case UInt8(ascii: "\t"): append("\\t")
                case ..<0x20: append("\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16))
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension Value {
    /// JSON keeps no difference between 1 and 1.0, so a whole decimal number is
    /// stored, and read back, as an integer; what cannot be a JSON number is null.
    var stored: Value {
        guard case .number(let value) = self else { return self }
        guard value.isFinite else { return .null }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return .integer(Int64(value)) }
        return self
    }
}
