import QuorumStore

/// One aggregate: a name, what it means, and the SELECT that computes it.
public struct AggregateDefinition: Sendable {
    public let name: String
    public let description: String
    let sql: SQL

    public init(name: String, description: String, sql: SQL) {
        self.name = name
        self.description = description
        self.sql = sql
    }

    /// The statement, for people and for psql.
    public var sqlText: String { sql.text }

    func evaluate(_ connection: Connection) throws -> AggregateTable {
        let rows = try connection.query(sql)
        let kinds = rows.columnTypes.map(ColumnKind.init(oid:))
        return AggregateTable(name: name, description: description, columns: rows.columns, rows: try rows.map { row in
            try zip(row.values, kinds).map { text, kind in
                guard let text else { return .null }
                switch kind {
                case .integer: return .integer(try Int64(pgText: text))
                case .number: return .number(try Double(pgText: text))
                case .text: return .text(text)
                }
            }
        })
    }
}

enum ColumnKind {
    case integer, number, text

    init(oid: UInt32) {
        switch oid {
        case 20, 21, 23: self = .integer          // int8, int2, int4
        case 700, 701, 1700: self = .number       // float4, float8, numeric
        default: self = .text
        }
    }
}
