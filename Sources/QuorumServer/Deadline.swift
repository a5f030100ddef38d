/// Runs `work` and answers 503 when it takes longer than `timeout`, so a stuck
/// database or a slow upload holds no client forever. Used by the handlers that
/// wait on something (the database, a request body); the in-memory ones need
/// none. Idle connections are closed by the HTTP channel's own idle timeout.
///
/// The work is cancelled when the time is up, and the pool ends a cancelled
/// lease at once (the wait for a connection, or the statement on the server), so
/// the answer comes on time. A write that times out may still have committed; a
/// retry is safe, since ingest is idempotent by natural key.
func withDeadline<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    guard let value = try await withinTime(timeout, work) else {
        var error = APIError(.serviceUnavailable, "the request took longer than \(timeout) and was abandoned")
        error.headers[.retryAfter] = "1"
        throw error
    }
    return value
}

/// The result of `work`, or nil when `timeout` passes first (the work is then cancelled).
func withinTime<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
