import Foundation
import QuorumStore

/// Runs the aggregates in one consistent read and stores the result as a snapshot.
///
/// The whole run is one REPEATABLE READ transaction: every aggregate sees the same
/// data, and the snapshot row is written in the same transaction, so a run that
/// fails or is abandoned leaves nothing — the last complete snapshot stays the one
/// readers get. A failure is recorded afterwards as a failed row, for operators.
public struct Aggregator: Sendable {
    public let definitions: [AggregateDefinition]
    /// How many complete snapshots to keep; older ones are deleted by each run.
    public let retention: Int

    public init(definitions: [AggregateDefinition] = AggregateDefinition.builtIn, retention: Int = 50) {
        precondition(retention >= 1)
        self.definitions = definitions
        self.retention = retention
    }

    /// Runs the aggregates and stores the snapshot, returning it. `fence` runs in
    /// the same transaction just before the snapshot is written, and can refuse it
    /// (a process that lost the leadership must not publish).
    public func run(_ connection: Connection, fence: (Connection) throws -> Void = { _ in }) throws -> Snapshot {
        let startedAt = Date()
        do {
            return try connection.transaction { connection in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                let version = try connection.query("SELECT version FROM quorum.data_version")[0].require(Int64.self, at: 0)
                var tables: [AggregateTable] = []
                for definition in definitions {
                    tables.append(try definition.evaluate(connection))
                }
                let payload = try JSONEncoder.snapshot.encode(tables)
                try fence(connection)
                let row = try connection.query("""
                    INSERT INTO quorum.snapshot (started_at, finished_at, data_version, status, payload)
                    VALUES (to_timestamp(\(startedAt.timeIntervalSince1970)),
                            clock_timestamp(), \(version), 'complete', \(String(decoding: payload, as: UTF8.self))::jsonb)
                    RETURNING id, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8
                    """)[0]
                try connection.execute("""
                    DELETE FROM quorum.snapshot WHERE id < (
                        SELECT min(id) FROM (SELECT id FROM quorum.snapshot WHERE status = 'complete'
                                             ORDER BY id DESC LIMIT \(retention)) kept)
                    """)
                // The times as stored (to the microsecond), so this equals what readers load.
                return Snapshot(id: try row.require(at: 0), startedAt: Date(timeIntervalSince1970: try row.require(at: 1)),
                                finishedAt: Date(timeIntervalSince1970: try row.require(at: 2)),
                                dataVersion: version,
                                // As readers will load it: JSON keeps no difference between 1 and 1.0.
                                tables: try JSONDecoder().decode([AggregateTable].self, from: payload))
            }
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

    /// The data version now, to tell whether a run is needed.
    public static func dataVersion(_ connection: Connection) throws -> Int64 {
        try connection.query("SELECT version FROM quorum.data_version")[0].require(at: 0)
    }

    /// The newest complete snapshot, or nil before the first run.
    public static func latest(_ connection: Connection) throws -> Snapshot? {
        try connection.query("""
            SELECT id, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8,
                   data_version, payload::text
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

extension JSONEncoder {
    static var snapshot: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
