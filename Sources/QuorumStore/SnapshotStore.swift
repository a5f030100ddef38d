import Foundation

/// The table `quorum.snapshot`, where each aggregation run ends: complete with
/// its payload (the aggregates, as JSON text), or failed with its error; and the
/// data version and change log that runs are made from.
public struct SnapshotStore {
    /// A complete snapshot as stored; the payload is decoded by its maker.
    public struct Stored: Sendable {
        public let id: Int64
        public let startedAt: Date
        public let finishedAt: Date
        public let dataVersion: Int64
        public let payload: String
    }

    let connection: Connection

    public init(_ connection: Connection) {
        self.connection = connection
    }

    /// The data version now, and the version of the last change to reference data.
    public func dataVersions() throws -> (version: Int64, referenceVersion: Int64) {
        let row = try connection.query("SELECT version, reference_version FROM quorum.data_version")[0]
        return (try row.require(at: 0), try row.require(at: 1))
    }

    /// Stores a complete snapshot and deletes all but the newest `keeping` complete
    /// ones (and the failed rows before them). Returns its id and its times as
    /// stored, to the microsecond.
    public func storeComplete(
        startedAt: Date, dataVersion: Int64, payload: String,
        keeping: Int
    ) throws -> (id: Int64, startedAt: Date, finishedAt: Date) {
        let row = try connection.query(
            """
            INSERT INTO quorum.snapshot (started_at, finished_at, data_version, status, payload)
            VALUES (to_timestamp(\(startedAt.timeIntervalSince1970)), clock_timestamp(), \(dataVersion), 'complete', \(payload))
            RETURNING id, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8
            """)[0]
        try connection.execute(
            """
            DELETE FROM quorum.snapshot WHERE id < (
                SELECT min(id) FROM (SELECT id FROM quorum.snapshot WHERE status = 'complete'
                                     ORDER BY id DESC LIMIT \(keeping)) kept)
            """)
        return (
            try row.require(at: 0), Date(timeIntervalSince1970: try row.require(at: 1)),
            Date(timeIntervalSince1970: try row.require(at: 2))
        )
    }

    /// Records a run that failed, for operators; readers never see it.
    public func recordFailure(startedAt: Date, error: String) throws {
        try connection.execute(
            """
            INSERT INTO quorum.snapshot (started_at, finished_at, data_version, status, error)
            SELECT to_timestamp(\(startedAt.timeIntervalSince1970)), clock_timestamp(), version, 'failed', \(error)
            FROM quorum.data_version
            """)
    }

    /// Whether the complete snapshot `id` is still stored.
    public func isStored(id: Int64) throws -> Bool {
        try connection.query("SELECT 1 FROM quorum.snapshot WHERE id = \(id) AND status = 'complete'").count == 1
    }

    /// The id of the newest complete snapshot, without reading its payload.
    public func latestID() throws -> Int64? {
        try connection.query("SELECT max(id) FROM quorum.snapshot WHERE status = 'complete'")[0].decode(Int64.self, at: 0)
    }

    /// The newest complete snapshot, or nil before the first run.
    public func latest() throws -> Stored? {
        try connection.query(
            """
            SELECT id, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8, data_version, payload
            FROM quorum.snapshot WHERE status = 'complete' ORDER BY id DESC LIMIT 1
            """
        ).first.map(Self.stored)
    }

    /// A complete snapshot by its id, or nil when there is none (never made, or pruned).
    public func complete(id: Int64) throws -> Stored? {
        try connection.query(
            """
            SELECT id, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8, data_version, payload
            FROM quorum.snapshot WHERE status = 'complete' AND id = \(id)
            """
        ).first.map(Self.stored)
    }

    /// Forgets changes that no stored snapshot predates. Marked groups a writer
    /// holds are skipped (the next run takes them), so this never waits on an import.
    public func pruneChanges() throws {
        try connection.execute(
            """
            WITH pruned AS (
                DELETE FROM quorum.inserted_events
                WHERE version <= (SELECT min(data_version) FROM quorum.snapshot WHERE status = 'complete'))
            DELETE FROM quorum.dirty_group WHERE (body_id, year) IN (
                SELECT body_id, year FROM quorum.dirty_group
                WHERE version <= (SELECT min(data_version) FROM quorum.snapshot WHERE status = 'complete')
                FOR UPDATE SKIP LOCKED)
            """)
    }

    private static func stored(_ row: Row) throws -> Stored {
        Stored(
            id: try row.require(at: 0), startedAt: Date(timeIntervalSince1970: try row.require(at: 1)),
            finishedAt: Date(timeIntervalSince1970: try row.require(at: 2)), dataVersion: try row.require(at: 3),
            payload: try row.require(at: 4))
    }
}
