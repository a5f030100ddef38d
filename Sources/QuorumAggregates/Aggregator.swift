import Foundation
import QuorumModel
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
/// events are made from partial aggregates per (body, year) group, kept from
/// the previous run; events inserted since are added to their groups, and only
/// groups an update or delete touched are read again. A change to reference
/// data (bodies, sources, memberships, …) makes the run a full one.
public struct Aggregator: Sendable {
    public let definitions: [AggregateDefinition]
    /// Statements of chart files. Each runs with `queryTimeout`; one that fails
    /// is kept with its error and fails nothing else.
    public let queries: [AggregateDefinition]
    public let queryTimeout: Duration
    /// How many complete snapshots to keep; older ones are deleted by each run.
    public let retention: Int

    public init(
        definitions: [AggregateDefinition] = AggregateDefinition.builtIn, queries: [AggregateDefinition] = [],
        queryTimeout: Duration = .seconds(5), retention: Int = 50
    ) {
        precondition(retention >= 1)
        self.definitions = definitions
        self.queries = queries
        self.queryTimeout = queryTimeout
        self.retention = retention
    }

    /// Runs the aggregates and stores the snapshot, returning it. With `base`,
    /// the previous snapshot, only what changed since is read. `fence` runs in
    /// the transaction that stores the snapshot and can refuse it (a process
    /// that lost the leadership must not publish).
    public func run(
        _ connection: Connection, base: Snapshot? = nil,
        fence: (Connection) throws -> Void = { _ in }
    ) throws -> Snapshot {
        let startedAt = Date()
        do {
            let (version, groups, tables) = try connection.transaction { connection in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                // Compiling the statements would cost more than running them: the reads of a
                // refresh are small, but the planner cannot tell and would compile them.
                try connection.execute("SELECT set_config('jit', 'off', true)")
                let (version, referenceVersion) = try SnapshotStore(connection).dataVersions()
                let groups = try eventGroups(base: base, version: version, referenceVersion: referenceVersion, connection)
                return (version, groups, try compute(connection, groups: groups, base: base))
            }
            let (payload, encoded) = tables.payload(reusing: base)
            let stored = try connection.transaction { connection in
                try fence(connection)
                let stored = try SnapshotStore(connection).storeComplete(
                    startedAt: startedAt, dataVersion: version,
                    payload: payload, keeping: retention)
                try groups.all.store(groups.written, snapshot: stored.id, base: base?.id, connection)
                return stored
            }
            try SnapshotStore(connection).pruneChanges()
            // The times as stored (to the microsecond), so this equals what readers load.
            return Snapshot(
                id: stored.id, startedAt: stored.startedAt, finishedAt: stored.finishedAt,
                dataVersion: version, tables: tables.stored, eventGroups: groups.all, encodedRows: encoded)
        } catch {
            // Best effort: the database may be the reason the run failed.
            try? SnapshotStore(connection).recordFailure(startedAt: startedAt, error: String(describing: error))
            throw error
        }
    }

    /// The groups' partial aggregates as of this run, and which of them it changed:
    /// the base's with what changed since, or all of them read afresh when there is
    /// no usable base or reference data changed.
    private func eventGroups(
        base: Snapshot?, version: Int64, referenceVersion: Int64,
        _ connection: Connection
    ) throws -> (all: EventGroups, written: EventGroups.Written) {
        let everything = { (all: EventGroups(groups: try EventGroups.read(.all, connection)), written: EventGroups.Written.all) }
        guard let base, referenceVersion <= base.dataVersion, base.dataVersion <= version,
            // Changes are kept as long as a stored snapshot may need them, so the base must still be stored.
            try SnapshotStore(connection).isStored(id: base.id),
            var groups = try base.eventGroups ?? EventGroups.load(snapshot: base.id, connection)
        else { return try everything() }
        let changes = try Changes.since(base.dataVersion, connection)
        // Past a quarter of all groups or events, one pass over everything is cheaper.
        let events = groups.groups.values.reduce(0) { $0 + $1.sessions }
        guard changes.recompute.count * 4 <= max(groups.groups.count, 400),
            changes.newEvents.reduce(0, { $0 + $1.count }) * 4 <= max(events, 4000)
        else { return try everything() }
        let recomputed = try EventGroups.read(.events(try EventGroups.events(of: changes.recompute, connection)), connection)
        for key in changes.recompute { groups.groups[key] = recomputed[key] }
        let added = try EventGroups.read(.events(changes.newEvents.flatMap { Array($0) }), connection)
        for (key, partial) in added where !changes.recompute.contains(key) {
            groups.groups[key, default: EventGroup()].merge(partial)
        }
        return (groups, .some(changes.recompute.union(added.keys)))
    }

    private func compute(
        _ connection: Connection, groups: (all: EventGroups, written: EventGroups.Written),
        base: Snapshot?
    ) throws -> [AggregateTable] {
        var tables: Tables = [:]
        var ordered: [AggregateTable] = []
        var input: GroupInput?  // made when the first aggregate over events needs it
        for definition in definitions {
            let table: AggregateTable
            switch definition.computation {
            case .query(let sql):
                table = try AggregateTable(
                    name: definition.name, description: definition.description,
                    evaluating: sql, on: connection)
            case .fromGroups(_, let derive):
                if input == nil {
                    let changed: Set<EventGroup.Key>? = if case .some(let keys) = groups.written { keys } else { nil }
                    input = GroupInput(
                        groups: groups.all, labels: try GroupLabels(connection), connection: connection,
                        changed: changed, base: base)
                }
                table = try derive(input!)
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

    /// A chart's own SELECT: read-only (the transaction is), time-limited, and
    /// on failure kept as its error rather than failing the run.
    private func userDefined(_ query: AggregateDefinition, _ connection: Connection) throws -> AggregateTable {
        guard case .query(let sql) = query.computation else { preconditionFailure("a chart's aggregate is one query") }
        try connection.execute("SAVEPOINT chart_query")
        try connection.execute(SQL("SELECT set_config('statement_timeout', $1, true)", binds: [String(queryTimeout.milliseconds)]))
        do {
            let table = try AggregateTable(name: query.name, description: query.description, evaluating: sql, on: connection)
            try connection.execute("RELEASE SAVEPOINT chart_query")
            try connection.execute("SELECT set_config('statement_timeout', '0', true)")
            return table
        } catch let error as PQError where !error.isConnectionFailure {
            try connection.execute("ROLLBACK TO SAVEPOINT chart_query")
            return AggregateTable(
                name: query.name, description: query.description, columns: [], rows: [],
                error: String(describing: error))
        }
    }

    /// The data version now, to tell whether a run is needed.
    public static func dataVersion(_ connection: Connection) throws -> Int64 {
        try SnapshotStore(connection).dataVersions().version
    }

    /// The newest complete snapshot, or nil before the first run. With
    /// `eventGroups`, also the partial aggregates a run starts from, if stored.
    public static func latest(_ connection: Connection, eventGroups: Bool = false) throws -> Snapshot? {
        guard eventGroups else { return try readLatest(connection) }
        return try connection.transaction { connection in
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try readLatest(connection).map { snapshot in
                Snapshot(
                    id: snapshot.id, startedAt: snapshot.startedAt, finishedAt: snapshot.finishedAt,
                    dataVersion: snapshot.dataVersion, tables: snapshot.tables,
                    eventGroups: try EventGroups.load(snapshot: snapshot.id, connection))
            }
        }
    }

    private static func readLatest(_ connection: Connection) throws -> Snapshot? {
        try SnapshotStore(connection).latest().map(snapshot)
    }

    /// A complete snapshot by its id, or nil when there is none (never made, or pruned).
    public static func snapshot(id: Int64, _ connection: Connection) throws -> Snapshot? {
        try SnapshotStore(connection).complete(id: id).map(snapshot)
    }

    private static func snapshot(_ stored: SnapshotStore.Stored) throws -> Snapshot {
        let tables = try JSONDecoder().decode([AggregateTable].self, from: Data(stored.payload.utf8))
        return Snapshot(
            id: stored.id, startedAt: stored.startedAt, finishedAt: stored.finishedAt,
            dataVersion: stored.dataVersion, tables: tables)
    }
}
