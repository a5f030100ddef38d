import CLibPQ
import Dispatch
import Synchronization

/// Stops what a session runs, from another thread: how a cancelled task ends
/// its statement instead of waiting for it.
///
/// The pool arms it for the length of a lease. Interrupted, the statement
/// running now is cancelled on the server (`PQcancel`) and every later one on
/// the session fails at once, until the lease ends and the pool disarms it; an
/// interruption that comes after that does nothing, so it can never reach the
/// next lease's statements.
public final class Interrupter: Sendable {
    /// Unchecked: libpq's cancel object is made for use from other threads.
    private struct State: ~Copyable, @unchecked Sendable {
        /// libpq's cancel object, freed with this.
        let cancel: OpaquePointer?
        var armed = false
        var interrupted = false
    }

    private let state: Mutex<State>

    init(_ cancel: OpaquePointer?) {
        state = Mutex(State(cancel: cancel))
    }

    deinit {
        state.withLock { state in if let cancel = state.cancel { PQfreeCancel(cancel) } }
    }

    /// Marks the session interrupted and asks the server to cancel the running
    /// statement. Returns at once: the request goes out on another thread.
    public func interrupt() {
        let send = state.withLock { state -> Bool in
            guard state.armed else { return false }
            state.interrupted = true
            return true
        }
        guard send else { return }
        DispatchQueue.global().async { [self] in
            state.withLock { state in
                // Still the same lease: a cancel request after it could hit the next one's statement.
                guard state.armed, let cancel = state.cancel else { return }
                var message = [CChar](repeating: 0, count: 256)
                _ = PQcancel(cancel, &message, Int32(message.count))
            }
        }
    }

    func arm() {
        state.withLock { $0.armed = true; $0.interrupted = false }
    }

    func disarm() {
        state.withLock { $0.armed = false; $0.interrupted = false }
    }

    func checkNotInterrupted() throws {
        if state.withLock({ $0.interrupted }) { throw PQError.interrupted }
    }
}
