import Foundation
import QuorumStore

/// Runs the aggregates in one consistent read and stores the result as a snapshot.
///
/// The aggregates are computed in one REPEATABLE READ, READ ONLY transaction, so
/// every aggregate sees the same data and none can write; the snapshot row is
/// then written in one statement. A run that fails or is abandoned leaves
/// nothing: the last complete snapshot stays the one readers get. A failure is
/// recorded afterwards as a failed row, for operators.
///
/// Given the previous snapshot, a run is incremental: the aggregates over
/// events are recomputed only for the (body, year) groups changed since, and
/// their rows replace those groups' rows of the previous snapshot. A change to
/// reference data (bodies, sources, memberships, …) makes the run a full one.
public struct Aggregator: Sendable {
    public let definitions: [AggregateDefinition]
    /// Statements of chart files. Each runs with `queryTimeout`; one that fails
    /// is kept with its error and fails nothing else.
    public let queries: [AggregateDefinition]
    public let queryTimeout: Duration
    /// How many complete snapshots to keep; older ones are deleted by each run.
    public let retention: Int

    public init(definitions: [AggregateDefinition] = AggregateDefinition.builtIn, queries: [AggregateDefinition] = [],
                queryTimeout: Duration = .seconds(5), retention: Int = 50) {
        precondition(retention >= 1)
        self.definitions = definitions
        self.queries = queries
        self.queryTimeout = queryTimeout
        self.retention = retention
    }

    /// Runs the aggregates and stores the snapshot, returning it. With `base`,
    /// the previous snapshot, only what changed since is recomputed. `fence` runs
    /// in the transaction that stores the snapshot and can refuse it (a process
    /// that lost the leadership must not publish).
    public func run(_ connection: Connection, base: Snapshot? = nil,
                    fence: (Connection) throws -> Void = { _ in }) throws -> Snapshot {
        let startedAt = Date()
        do {
            let (version, tables) = try connection.transaction { connection in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let row = try connection.query("""
                    SELECT version, reference_version FROM quorum.data_version
                    """)[0]
                let version: Int64 = try row.require(at: 0)
                let changed = try base.flatMap { base in
                    try changedGroups(since: base, version: version, referenceVersion: try row.require(at: 1), connection)
                        .map { (base, $0) }
                }
                return (version, try compute(connection, base: changed))
            }
            let payload = tables.payload
            let stored = try connection.transaction { connection in
                try fence(connection)
                let row = try connection.query("""
                    INSERT INTO quorum.snapshot (started_at, finished_at, data_version, status, payload)
                    VALUES (to_timestamp(\(startedAt.timeIntervalSince1970)),
                            clock_timestamp(), \(version), 'complete', \(payload))
                    RETURNING id, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8
                    """)[0]
                try connection.execute("""
                    DELETE FROM quorum.snapshot WHERE id < (
                        SELECT min(id) FROM (SELECT id FROM quorum.snapshot WHERE status = 'complete'
                                             ORDER BY id DESC LIMIT \(retention)) kept)
                    """)
                return row
            }
            try pruneChangedGroups(connection)
            // The times as stored (to the microsecond), so this equals what readers load.
            return Snapshot(id: try stored.require(at: 0), startedAt: Date(timeIntervalSince1970: try stored.require(at: 1)),
                            finishedAt: Date(timeIntervalSince1970: try stored.require(at: 2)),
                            dataVersion: version, tables: tables.stored)
        } catch {
            // Best effort: the database may be the reason the run failed.
            _ = try? connection.execute("""
                INSERT INTO quorum.snapshot (started_at, finished_at, data_version, status, error)
                SELECT to_timestamp(\(startedAt.timeIntervalSince1970)),
                       clock_timestamp(), version, 'failed', \(String(describing: error)) FROM quorum.data_version
                """)
            throw error
        }
    }

    /// The groups changed since `base`, or nil when the run must be a full one.
    private func changedGroups(since base: Snapshot, version: Int64, referenceVersion: Int64,
                               _ connection: Connection) throws -> ChangedGroups? {
        guard referenceVersion <= base.dataVersion, base.dataVersion <= version,
              // Groups are kept as long as a stored snapshot may need them, so the base must still be stored.
              try connection.query("""
                  SELECT 1 FROM quorum.snapshot WHERE id = \(base.id) AND status = 'complete'
                  """).count == 1
        else { return nil }
        let changed = try ChangedGroups.since(base.dataVersion, connection)
        // Past a quarter of all groups, one pass over everything is cheaper.
        let groups = base["body_year"]?.rows.count ?? 0
        return changed.groups.count * 4 <= max(groups, 400) ? changed : nil
    }

    private func compute(_ connection: Connection, base: (snapshot: Snapshot, changed: ChangedGroups)?) throws -> [AggregateTable] {
        var tables: Tables = [:]
        var ordered: [AggregateTable] = []
        for definition in definitions {
            let table: AggregateTable
            switch definition.computation {
            case .query(let sql):
                table = try AggregateTable(name: definition.name, description: definition.description,
                                           evaluating: sql, on: connection)
            case .grouped(let grouped):
                table = try refreshed(definition, grouped, base: base, connection)
            case .derived(let derive):
                table = try derive(tables, connection)
            }
            tables[definition.name] = table
            ordered.append(table)
        }
        for query in queries {
            ordered.append(try userDefined(query, connection))
        }
        return ordered
    }

    /// A grouped aggregate: the base's rows with the changed groups recomputed, or all of it afresh.
    private func refreshed(_ definition: AggregateDefinition, _ grouped: AggregateDefinition.Grouped,
                           base: (snapshot: Snapshot, changed: ChangedGroups)?, _ connection: Connection) throws -> AggregateTable {
        let everything = { try AggregateTable(name: definition.name, description: definition.description,
                                              evaluating: grouped.sql(.all), on: connection) }
        guard let base, let previous = base.snapshot[definition.name] else { return try everything() }
        if base.changed.groups.isEmpty { return previous }
        // The planner cannot see how few events a body's changed years hold, and would
        // hash-join the whole figure table; their few rows are looked up by index instead.
        let byIndex = grouped.groupKey == .bodyYear
        if byIndex {
            try connection.execute("SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)")
        }
        let fresh = try AggregateTable(name: definition.name, description: definition.description,
                                       evaluating: grouped.sql(.only(base.changed)), on: connection)
        if byIndex {
            try connection.execute("RESET enable_hashjoin")
            try connection.execute("RESET enable_mergejoin")
        }
        guard fresh.columns == previous.columns else { return try everything() }
        let keyPositions = try grouped.groupKey.columns.map(previous.position(of:))
        let orderPositions = try grouped.order.map(previous.position(of:))
        let replaced = base.changed.keys(grouped.groupKey)
        let kept = previous.rows.filter { row in !replaced.contains(keyPositions.map { row[$0] }) }
        return AggregateTable(name: definition.name, description: definition.description, columns: previous.columns,
                              rows: (kept + fresh.rows).sorted { a, b in
                                  for position in orderPositions where a[position] != b[position] {
                                      return a[position].sortsBefore(b[position])
                                  }
                                  return false
                              })
    }

    /// A chart's own SELECT: read-only (the transaction is), time-limited, and
    /// on failure kept as its error rather than failing the run.
    private func userDefined(_ query: AggregateDefinition, _ connection: Connection) throws -> AggregateTable {
        guard case .query(let sql) = query.computation else { preconditionFailure("a chart's aggregate is one query") }
        let milliseconds = Int(queryTimeout.components.seconds * 1000 + queryTimeout.components.attoseconds / 1_000_000_000_000_000)
        try connection.execute("SAVEPOINT chart_query")
        try connection.execute(SQL("SELECT set_config('statement_timeout', $1, true)", binds: [String(milliseconds)]))
        do {
            let table = try AggregateTable(name: query.name, description: query.description, evaluating: sql, on: connection)
            try connection.execute("RELEASE SAVEPOINT chart_query")
            try connection.execute("SELECT set_config('statement_timeout', '0', true)")
            return table
        } catch let error as PQError where !error.isConnectionFailure {
            try connection.execute("ROLLBACK TO SAVEPOINT chart_query")
            return AggregateTable(name: query.name, description: query.description, columns: [], rows: [],
                                  error: String(describing: error))
        }
    }

    /// Forgets changed groups that no stored snapshot predates. Rows a writer
    /// holds are skipped (the next run takes them), so this never waits on an import.
    private func pruneChangedGroups(_ connection: Connection) throws {
        try connection.execute("""
            DELETE FROM quorum.dirty_group WHERE (body_id, year) IN (
                SELECT body_id, year FROM quorum.dirty_group
                WHERE version <= (SELECT min(data_version) FROM quorum.snapshot WHERE status = 'complete')
                FOR UPDATE SKIP LOCKED)
            """)
    }

    /// The data version now, to tell whether a run is needed.
    public static func dataVersion(_ connection: Connection) throws -> Int64 {
        try connection.query("SELECT version FROM quorum.data_version")[0].require(at: 0)
    }

    /// The newest complete snapshot, or nil before the first run.
    public static func latest(_ connection: Connection) throws -> Snapshot? {
        try connection.query("""
            SELECT id, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8,
                   data_version, payload
            FROM quorum.snapshot WHERE status = 'complete' ORDER BY id DESC LIMIT 1
            """).first.map(snapshot)
    }

    /// A complete snapshot by its id, or nil when there is none (never made, or pruned).
    public static func snapshot(id: Int64, _ connection: Connection) throws -> Snapshot? {
        try connection.query("""
            SELECT id, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8,
                   data_version, payload::text
            FROM quorum.snapshot WHERE status = 'complete' AND id = \(id)
            """).first.map(snapshot)
    }

    private static func snapshot(_ row: Row) throws -> Snapshot {
        let tables = try JSONDecoder().decode([AggregateTable].self, from: Data(try row.require(String.self, at: 4).utf8))
        return Snapshot(id: try row.require(at: 0), startedAt: Date(timeIntervalSince1970: try row.require(at: 1)),
                        finishedAt: Date(timeIntervalSince1970: try row.require(at: 2)),
                        dataVersion: try row.require(at: 3), tables: tables)
    }
}

extension Value {
    /// PostgreSQL's ascending order: numbers by value, text byte by byte (`COLLATE "C"`), nulls last.
    func sortsBefore(_ other: Value) -> Bool {
        switch (self, other) {
        case (.null, _): false
        case (_, .null): true
        case (.text(let a), .text(let b)): a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.text, _): false
        case (_, .text): true
        default: (number ?? 0) < (other.number ?? 0)
        }
    }
}
