/// The PostgreSQL advisory lock whose holder is the one process that aggregates
/// and mails. It is a session lock: it lives as long as the connection that took
/// it, so a leader that dies or loses its connection frees it at once.
public enum LeaderLock {
    /// The lock's two keys: "quor" and 1, visible as classid/objid in pg_locks.
    static let keys: (Int32, Int32) = (0x7175_6f72, 1)

    /// Takes the lock for the session of `connection`, unless another session holds it.
    public static func tryTake(on connection: Connection) throws -> Bool {
        try connection.query("SELECT pg_try_advisory_lock(\(keys.0), \(keys.1))")[0].require(Bool.self, at: 0)
    }

    /// Whether the session served by `backend` holds the lock now; asked inside a
    /// side effect's own transaction, so that it commits only while that holds.
    public static func isHeld(byBackend backend: Int32, on connection: Connection) throws -> Bool {
        try connection.query(
            """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
            AND classid = \(Int64(keys.0))::oid AND objid = \(Int64(keys.1))::oid AND objsubid = 2
            AND pid = \(backend)
            """)[0].require(Int.self, at: 0) == 1
    }
}
