import Dispatch
import Foundation
import NIOPosix
import Synchronization

/// CPU work spread over the cores on threads of its own: drawing a site's charts,
/// making its pages, writing a snapshot's payload.
///
/// Not `DispatchQueue.concurrentPerform`: on Linux its helpers are the threads of
/// the global queue that Swift's tasks run on, as many as there are cores, so a
/// render would hold up every task of the process (the HTTP server's, the
/// aggregation's) until it ended. The caller works through the iterations too and
/// waits only for those already begun, so a call from inside another never waits
/// for a helper that has not started.
public enum Parallel {
    private static let helpers = started(NIOThreadPool(numberOfThreads: ProcessInfo.processInfo.activeProcessorCount))
    /// For work that waits on the disk rather than computes: more at once than cores.
    private static let waiters = started(NIOThreadPool(numberOfThreads: waitingWidth - 1))
    private static let waitingWidth = 8

    private static func started(_ pool: NIOThreadPool) -> NIOThreadPool {
        pool.start()
        return pool
    }

    /// Runs `body` once for each of `0..<iterations`, on the cores, and returns when all have run.
    public static func forEach(_ iterations: Int, _ body: @escaping @Sendable (Int) -> Void) {
        forEach(iterations, on: helpers, width: ProcessInfo.processInfo.activeProcessorCount, body)
    }

    /// `body` of each of `0..<count`, made on the cores, in order.
    public static func map<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let made = Mutex([T?](repeating: nil, count: count))
        forEach(count) { index in
            let value = body(index)
            made.withLock { $0[index] = value }
        }
        return made.withLock { $0.map { $0! } }
    }

    /// As `forEach`, for iterations that mostly wait (an fsync each): eight at a
    /// time whatever the cores, on threads apart from those that compute.
    public static func forEachWaiting(_ iterations: Int, _ body: @escaping @Sendable (Int) -> Void) {
        forEach(iterations, on: waiters, width: waitingWidth, body)
    }

    private static func forEach(_ iterations: Int, on pool: NIOThreadPool, width: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard iterations > 1 else {
            if iterations == 1 { body(0) }
            return
        }
        let next = Atomic<Int>(0)
        let running = DispatchGroup()
        @Sendable func work() {
            while true {
                running.enter()  // before the claim, so that a wait sees every iteration begun
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < iterations else {
                    running.leave()
                    return
                }
                body(index)
                running.leave()
            }
        }
        for _ in 1..<min(iterations, width) {
            pool.submit { _ in work() }
        }
        work()
        running.wait()
    }
}
