import Synchronization

/// Runs `work` and answers 503 when it takes longer than `timeout`, so a stuck
/// database or a slow upload holds no client forever. Used by the handlers that
/// wait on something (the database, a request body); the in-memory ones need
/// none. Idle connections are closed by the HTTP channel's own idle timeout.
///
/// When the time is up the work is cancelled (the pool ends the wait for a
/// connection, or cancels the statement on the server) and the answer goes out
/// at once, without waiting for the work to wind down: a database that does not
/// answer at all cannot hold it. A write that times out may still have
/// committed; a retry is safe, since ingest is idempotent by natural key.
func withDeadline<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    guard let value = try await withinTime(timeout, work) else {
        var error = APIError(.serviceUnavailable, "the request took longer than \(timeout) and was abandoned")
        error.headers[.retryAfter] = "1"
        throw error
    }
    return value
}

/// The result of `work`, or nil as soon as `timeout` passes (the work is then
/// cancelled and left to finish on its own).
func withinTime<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T? {
    let worker = Task { try await work() }
    let race = FirstAnswer<T?>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.wait(continuation)
            let timer = Task {
                try await Task.sleep(for: timeout)
                // Answered before the work is cancelled, so its cancellation error cannot answer first.
                race.answer(.success(nil))
                worker.cancel()
            }
            Task {
                let result = await worker.result
                timer.cancel()
                race.answer(result.map { $0 })
            }
        }
    } onCancel: {
        worker.cancel()
    }
}

/// A continuation resumed by whichever answer comes first; later ones are dropped.
private final class FirstAnswer<T: Sendable>: Sendable {
    private let waiting = Mutex<CheckedContinuation<T, Error>?>(nil)

    func wait(_ continuation: CheckedContinuation<T, Error>) {
        waiting.withLock { $0 = continuation }
    }

    func answer(_ result: Result<T, Error>) {
        let continuation = waiting.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        continuation?.resume(with: result)
    }
}
