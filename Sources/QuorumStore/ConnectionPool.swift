import QuorumBlocking
import Synchronization

/// A small pool of connections whose leases run on threads of their own.
///
/// libpq blocks, so a lease's body never runs on the caller's executor (an event
/// loop or the cooperative pool): it runs on the pool's own threads, one per
/// connection, so a lease never waits for a thread, and the caller awaits it. A
/// connection is checked before each lease and replaced when the server has
/// closed it (a restart, a failover), so the pool heals itself.
///
/// Cancellation is honoured at once: a task cancelled while it waits for a
/// connection stops waiting, and one cancelled while its statement runs has the
/// statement cancelled on the server, so a deadline is never held up by the
/// database.
public final class ConnectionPool: Sendable {
    public let maxConnections: Int
    private let conninfo: String
    private let state = Mutex(State())
    private let threads: BlockingPool

    private struct State: ~Copyable {
        var idle: [Connection] = []
        var open = 0
        var closed = false
        /// Waiters get an idle connection, or nil: "a slot is free, open your own".
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Connection?, Error>
    }

    public init(conninfo: String, maxConnections: Int = 4) {
        precondition(maxConnections > 0)
        self.conninfo = conninfo
        self.maxConnections = maxConnections
        threads = BlockingPool(threads: maxConnections)
    }

    /// Runs `body` with a connection leased for its duration.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let connection = try await lease()
        let interrupter = connection.interrupter
        interrupter.arm()
        defer {
            if interrupter.disarm() {
                release(connection)
            } else {
                connection.finish()  // a cancel request for this lease may still arrive
                freeSlot()
            }
        }
        return try await withTaskCancellationHandler {
            try await threads.run { try body(connection) }
        } onCancel: {
            interrupter.interrupt()
        }
    }

    /// A new, empty pool to the same database: a budget of its own for work that
    /// must not wait behind this pool's (readiness probes behind requests, say).
    public func sibling(maxConnections: Int) -> ConnectionPool {
        ConnectionPool(conninfo: conninfo, maxConnections: maxConnections)
    }

    /// Closes idle connections and refuses new leases; leased ones close on release.
    public func close() {
        let (idle, waiters) = state.withLock { state -> ([Connection], [Waiter]) in
            state.closed = true
            let taken = (state.idle, state.waiters)
            state.open -= state.idle.count
            state.idle = []
            state.waiters = []
            return taken
        }
        idle.forEach { $0.finish() }
        waiters.forEach { $0.continuation.resume(throwing: PQError.closed) }
    }

    /// Connections open now, leased or idle (for metrics and tests).
    public var openConnections: Int { state.withLock { $0.open } }

    // MARK: Leasing

    private enum Grant { case reuse(Connection), openNew, wait }

    private func lease() async throws -> Connection {
        while true {
            let grant: Grant = try state.withLock { state in
                if state.closed { throw PQError.closed }
                if let connection = state.idle.popLast() { return .reuse(connection) }
                if state.open < maxConnections {
                    state.open += 1
                    return .openNew
                }
                return .wait
            }
            switch grant {
            case .reuse(let connection):
                let alive: Bool
                do { alive = try await threads.run { connection.isAlive } } catch {
                    release(connection)  // cancelled before the check ran
                    throw error
                }
                if alive { return connection }
                connection.finish()
                return try await openSlot()
            case .openNew:
                return try await openSlot()
            case .wait:
                if let granted = try await waitForConnection() { return granted }
                return try await openSlot()
            }
        }
    }

    /// Waits for a released connection, or for a free slot (nil), until the task is cancelled.
    private func waitForConnection() async throws -> Connection? {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let refusal: Error? = state.withLock { state in
                    if state.closed { return PQError.closed }
                    // Checked under the lock the cancellation handler takes, so no cancellation is missed.
                    if Task.isCancelled { return CancellationError() }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let refusal { continuation.resume(throwing: refusal) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Opens a connection for a slot already counted in `open`; frees the slot on failure.
    ///
    /// Opening cannot be interrupted, and takes up to `connect_timeout` against a
    /// server that does not answer: a cancelled lease stops waiting for it, and the
    /// connection, once open, joins the idle ones (or its failure frees the slot).
    private func openSlot() async throws -> Connection {
        let conninfo = self.conninfo
        do {
            return try await threads.run({ try Connection(conninfo: conninfo) }) { [self] opened in
                switch opened {
                case .success(let connection): release(connection)
                case .failure: freeSlot()
                }
            }
        } catch is CancellationError {
            throw CancellationError()  // the slot is the abandoned opening's to free
        } catch {
            freeSlot()
            throw error
        }
    }

    private func release(_ connection: Connection) {
        guard connection.isAlive else {
            connection.finish()
            freeSlot()
            return
        }
        let waiter: Waiter? = state.withLock { state in
            if state.closed { return nil }
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(connection)
            return nil
        }
        if let waiter {
            waiter.continuation.resume(returning: connection)
        } else if state.withLock({ $0.closed }) {
            connection.finish()
            freeSlot()
        }
    }

    private func freeSlot() {
        let waiter = state.withLock { state -> Waiter? in
            state.open -= 1
            guard !state.waiters.isEmpty else { return nil }
            state.open += 1
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: nil)
    }
}
