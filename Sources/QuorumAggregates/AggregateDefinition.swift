import QuorumStore

/// One aggregate: a name, what it means, and how it is computed.
///
/// Most are one SELECT. The large ones — those over events, figures and
/// attendees — are made from the partial aggregates of each (body, year) group,
/// which a run keeps up to date with what changed; a few are derived in memory
/// from aggregates computed before them.
public struct AggregateDefinition: Sendable {
    public let name: String
    public let description: String
    let computation: Computation

    enum Computation: Sendable {
        /// One statement over everything.
        case query(SQL)
        /// Made from the partial aggregates of every (body, year) group; `sql`
        /// computes the same in one statement, for psql and for tests.
        case fromGroups(sql: SQL, derive: @Sendable (GroupInput) throws -> AggregateTable)
        /// Made from the tables computed before it.
        case derived(@Sendable (Tables, Connection) throws -> AggregateTable)
    }

    public init(name: String, description: String, sql: SQL) {
        self.init(name: name, description: description, computation: .query(sql))
    }

    init(name: String, description: String, computation: Computation) {
        self.name = name
        self.description = description
        self.computation = computation
    }

    /// The statement over everything, for people and for psql; nil for a derived aggregate.
    public var sqlText: String? {
        switch computation {
        case .query(let sql): sql.text
        case .fromGroups(let sql, _): sql.text
        case .derived: nil
        }
    }
}

/// The tables of a run computed so far, by name.
typealias Tables = [String: AggregateTable]

extension AggregateTable {
    /// Runs `sql` and keeps its result as plain values, typed by the column types.
    init(name: String, description: String, evaluating sql: SQL, on connection: Connection) throws {
        let rows = try connection.query(sql)
        let kinds = rows.columnTypes.map(ColumnKind.init(oid:))
        self.init(
            name: name, description: description, columns: rows.columns,
            rows: try rows.map { row in
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
        case 20, 21, 23: self = .integer  // int8, int2, int4
        case 700, 701, 1700: self = .number  // float4, float8, numeric
        default: self = .text
        }
    }
}

extension AggregateDefinition {
    /// A chart file's own SELECT. Its table is `chart:<name>`, described by the
    /// SQL itself, so a snapshot made by an older version of the query is seen.
    public static func chartQuery(name: String, sql: String) -> AggregateDefinition {
        AggregateDefinition(name: chartQueryTable(name), description: sql, sql: SQL(sql, binds: []))
    }

    private static let chartQueryPrefix = "chart:"

    /// The snapshot table holding the result of the chart `name`'s own SELECT.
    public static func chartQueryTable(_ name: String) -> String { chartQueryPrefix + name }

    /// The chart whose own SELECT a snapshot table holds, or nil for a built-in aggregate.
    public static func chart(ofTable table: String) -> String? {
        table.hasPrefix(chartQueryPrefix) ? String(table.dropFirst(chartQueryPrefix.count)) : nil
    }
}

extension Snapshot {
    /// Whether the snapshot holds the result of each of these queries as they are now.
    public func answers(_ queries: [AggregateDefinition]) -> Bool {
        queries.allSatisfy { self[$0.name]?.description == $0.description }
    }
}
