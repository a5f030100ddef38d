import Dispatch
import Synchronization

/// A small pool of connections whose leases run on threads of their own.
///
/// libpq blocks, so a lease's body never runs on the caller's executor (an event
/// loop or the cooperative pool): it runs on the pool's dispatch queue, and the
/// caller awaits it. A connection is checked before each lease and replaced when
/// the server has closed it (a restart, a failover), so the pool heals itself.
public final class ConnectionPool: Sendable {
    public let maxConnections: Int
    private let conninfo: String
    private let queue = DispatchQueue(label: "quorum.postgres", attributes: .concurrent)
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var idle: [Connection] = []
        var open = 0
        var closed = false
        /// Waiters get an idle connection, or nil: "a slot is free, open your own".
        var waiters: [CheckedContinuation<Connection?, Error>] = []
    }

    public init(conninfo: String, maxConnections: Int = 4) {
        precondition(maxConnections > 0)
        self.conninfo = conninfo
        self.maxConnections = maxConnections
    }

    /// Runs `body` with a connection leased for its duration.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let value = try await onPoolThread { try body(connection) }
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Closes idle connections and refuses new leases; leased ones close on release.
    public func close() {
        let (idle, waiters) = state.withLock { state -> ([Connection], [CheckedContinuation<Connection?, Error>]) in
            state.closed = true
            let taken = (state.idle, state.waiters)
            state.open -= state.idle.count
            state.idle = []
            state.waiters = []
            return taken
        }
        idle.forEach { $0.finish() }
        waiters.forEach { $0.resume(throwing: PQError.closed) }
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
                if state.open < maxConnections { state.open += 1; return .openNew }
                return .wait
            }
            switch grant {
            case .reuse(let connection):
                if try await onPoolThread({ connection.isAlive }) { return connection }
                connection.finish()
                return try await openSlot()
            case .openNew:
                return try await openSlot()
            case .wait:
                let granted = try await withCheckedThrowingContinuation { continuation in
                    let closed = state.withLock { state in
                        if state.closed { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if closed { continuation.resume(throwing: PQError.closed) }
                }
                if let granted { return granted }
                return try await openSlot()
            }
        }
    }

    /// Opens a connection for a slot already counted in `open`; frees the slot on failure.
    private func openSlot() async throws -> Connection {
        do {
            let conninfo = self.conninfo
            return try await onPoolThread { try Connection(conninfo: conninfo) }
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
        let waiter: CheckedContinuation<Connection?, Error>? = state.withLock { state in
            if state.closed { return nil }
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(connection)
            return nil
        }
        if let waiter {
            waiter.resume(returning: connection)
        } else if state.withLock({ $0.closed }) {
            connection.finish()
            freeSlot()
        }
    }

    private func freeSlot() {
        let waiter = state.withLock { state -> CheckedContinuation<Connection?, Error>? in
            state.open -= 1
            guard !state.waiters.isEmpty else { return nil }
            state.open += 1
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: nil)
    }

    private func onPoolThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
