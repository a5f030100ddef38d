import CLibPQ

/// The rows of a result, copied out of libpq so that no C memory outlives the call.
public struct Rows: Sendable, RandomAccessCollection {
    public let columns: [String]
    /// Each column's PostgreSQL type OID (23 int4, 20 int8, 701 float8, 1700 numeric, …).
    public let columnTypes: [UInt32]
    private let values: [[String?]]

    init(copying result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        columnTypes = (0..<columnCount).map { UInt32(PQftype(result, Int32($0))) }
        values = (0..<rowCount).map { row in
            (0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }
    public subscript(position: Int) -> Row { Row(columns: columns, values: values[position]) }
}

/// One row; columns are read by position or by name, typed by the caller.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [String?]

    /// The column's value, or nil when it is NULL.
    public func decode<T: PGDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T? {
        guard index < values.count else { throw PQError.decoding("no column \(index)") }
        return try values[index].map { try T(pgText: $0) }
    }

    public func decode<T: PGDecodable>(_ type: T.Type = T.self, _ name: String) throws -> T? {
        guard let index = columns.firstIndex(of: name) else { throw PQError.decoding("no column \(name)") }
        return try decode(type, at: index)
    }

    /// The column's value; NULL is an error.
    public func require<T: PGDecodable>(_ type: T.Type = T.self, _ name: String) throws -> T {
        guard let value = try decode(type, name) else { throw PQError.decoding("column \(name) is NULL") }
        return value
    }

    public func require<T: PGDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard let value = try decode(type, at: index) else { throw PQError.decoding("column \(index) is NULL") }
        return value
    }
}
