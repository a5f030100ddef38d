import NIOPosix
import Synchronization

/// Threads of their own for work that blocks — libpq, libgd, libcurl, the file
/// system — so it never holds one of the few threads that Swift's tasks share
/// (as many as there are cores), where a slow database would stall every task
/// of the process.
///
/// Bounded: a pool has a fixed number of threads, started with it, and work
/// beyond them waits in the pool's queue. Each owner sizes its pool for what it
/// runs at once (a connection pool has a thread per connection), so a pool's
/// work never waits for other work queued behind it.
///
/// Built on swift-nio's `NIOThreadPool`. Work still queued when its task is
/// cancelled does not run and throws `CancellationError`; work already running
/// runs to its end.
public final class BlockingPool: Sendable {
    private let threads: NIOThreadPool

    public init(threads count: Int) {
        precondition(count > 0)
        threads = NIOThreadPool(numberOfThreads: count)
        threads.start()
    }

    deinit {
        threads.shutdownGracefully { _ in }
    }

    /// Runs `work` on one of the pool's threads and returns what it returns.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await threads.runIfActive(work)
    }

    /// Runs `work` even when the calling task is cancelled: for the cleanups that
    /// must happen (closing a session that holds a lock).
    public func runEvenIfCancelled<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        // A task of its own is not cancelled with the caller.
        try await Task { [threads] in try await threads.runIfActive(work) }.value
    }

    /// Runs `work`, but a caller cancelled before it ends stops waiting for it: for
    /// work that cannot be interrupted and may take long (opening a connection to a
    /// server that does not answer). The caller then gets `CancellationError`, and
    /// `abandoned` gets what the work ends with, so that it can be put away.
    public func run<T: Sendable>(
        _ work: @escaping @Sendable () throws -> T,
        ifAbandoned abandoned: @escaping @Sendable (Result<T, Error>) -> Void
    ) async throws -> T {
        let handoff = Handoff<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                handoff.wait(continuation)
                // A task of its own, not cancelled with the caller: the work always runs.
                Task { [threads] in
                    let outcome: Result<T, Error>
                    do { outcome = .success(try await threads.runIfActive(work)) } catch { outcome = .failure(error) }
                    handoff.deliver(outcome, else: abandoned)
                }
            }
        } onCancel: {
            handoff.abandon()
        }
    }
}

/// Where the outcome of work goes: to the caller waiting for it, or, once the
/// caller has stopped waiting, to whoever puts it away.
private final class Handoff<T: Sendable>: Sendable {
    private enum State {
        case started
        case waiting(CheckedContinuation<T, Error>)
        case abandoned
        case delivered
    }
    private let state = Mutex(State.started)

    func wait(_ continuation: CheckedContinuation<T, Error>) {
        let abandoned = state.withLock { state in
            guard case .started = state else { return true }
            state = .waiting(continuation)
            return false
        }
        if abandoned { continuation.resume(throwing: CancellationError()) }
    }

    func abandon() {
        let waiting = state.withLock { state -> CheckedContinuation<T, Error>? in
            switch state {
            case .started:
                state = .abandoned
                return nil
            case .waiting(let continuation):
                state = .abandoned
                return continuation
            case .abandoned, .delivered:
                return nil
            }
        }
        waiting?.resume(throwing: CancellationError())
    }

    func deliver(_ outcome: Result<T, Error>, else abandoned: (Result<T, Error>) -> Void) {
        let waiting = state.withLock { state -> CheckedContinuation<T, Error>? in
            guard case .waiting(let continuation) = state else { return nil }
            state = .delivered
            return continuation
        }
        if let waiting { waiting.resume(with: outcome) } else { abandoned(outcome) }
    }
}
