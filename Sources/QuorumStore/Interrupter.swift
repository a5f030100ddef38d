import CLibPQ
import QuorumBlocking
import Synchronization

/// Stops what a session runs, from another thread: how a cancelled task ends
/// its statement instead of waiting for it.
///
/// The pool arms it for the length of a lease. Interrupted, the statement
/// running now is cancelled on the server (`PQcancel`, sent from a thread of its
/// own: it opens a connection to the server, which can take long when the
/// server is slow) and every later one on the session fails at once, until the
/// lease ends. Nothing here ever waits for the cancel request: a lease that ends
/// while one is still on its way reports it, and the pool closes that
/// connection rather than let the request reach the next lease's statement.
public final class Interrupter: Sendable {
    /// Unchecked: libpq's cancel object is made for use from other threads.
    private struct State: ~Copyable, @unchecked Sendable {
        /// libpq's cancel object, freed with this.
        let cancel: OpaquePointer?
        var armed = false
        var interrupted = false
        var requestsInFlight = 0
    }

    private let state: Mutex<State>

    init(_ cancel: OpaquePointer?) {
        state = Mutex(State(cancel: cancel))
    }

    deinit {
        state.withLock { state in if let cancel = state.cancel { PQfreeCancel(cancel) } }
    }

    /// Marks the session interrupted and asks the server to cancel the running
    /// statement. Returns at once.
    public func interrupt() {
        let cancel = state.withLock { state -> OpaquePointer? in
            guard state.armed, !state.interrupted else { return nil }
            state.interrupted = true
            state.requestsInFlight += 1
            return state.cancel
        }
        // libpq's cancel object is made for use from other threads; the closure keeps
        // `self`, and with it the object, alive until the request is sent.
        guard let cancel else { return }
        nonisolated(unsafe) let request = cancel
        // Threads of their own: a request may block for as long as the server takes,
        // and must not wait behind the statements it is sent to end.
        Task { [self] in
            _ = try? await Self.requests.run {
                var message = [CChar](repeating: 0, count: 256)
                _ = PQcancel(request, &message, Int32(message.count))
            }
            state.withLock { $0.requestsInFlight -= 1 }
        }
    }

    /// The threads that send cancel requests, for the whole process.
    private static let requests = BlockingPool(threads: 2)

    func arm() {
        state.withLock {
            $0.armed = true
            $0.interrupted = false
        }
    }

    /// Ends the lease; false when a cancel request may still reach the server,
    /// so the connection must not serve another lease.
    func disarm() -> Bool {
        state.withLock { state in
            state.armed = false
            state.interrupted = false
            return state.requestsInFlight == 0
        }
    }

    func checkNotInterrupted() throws {
        if state.withLock({ $0.interrupted }) { throw PQError.interrupted }
    }
}
