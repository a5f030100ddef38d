import NIOPosix

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
}
