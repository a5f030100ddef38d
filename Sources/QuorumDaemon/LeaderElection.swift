import Logging
import QuorumBlocking
import QuorumStore
import ServiceLifecycle
import Synchronization

/// Chooses the one process that aggregates and mails: the holder of the
/// `LeaderLock`, taken on a dedicated connection of its own.
///
/// The lock lives as long as that session: if the leader dies or its connection
/// breaks, PostgreSQL releases it and another process takes it at its next
/// attempt. The leader checks its connection every heartbeat and steps down the
/// moment it fails. Side effects are fenced as well: they commit only if the
/// lock is still held by this leader's session (see `fence`).
public final class LeaderElection: Service, Sendable {
    public enum Role: Sendable, Equatable {
        case follower
        /// Leader, holding the lock in the session with this backend process id.
        case leader(backend: Int32)
    }

    private let conninfo: String
    private let heartbeat: Duration
    private let logger: Logger
    /// The lock's connection is used by one thread at a time: this one.
    private let thread = BlockingPool(threads: 1)
    private let state = Mutex<(role: Role, connection: Connection?)>((.follower, nil))
    private let watchers = Mutex<[AsyncStream<Role>.Continuation]>([])
    /// When this process took the lock, while it holds it.
    private let lockedSince = Mutex<ContinuousClock.Instant?>(nil)

    public init(conninfo: String, heartbeat: Duration, logger: Logger) {
        self.conninfo = conninfo
        self.heartbeat = heartbeat
        self.logger = logger
    }

    public var role: Role { state.withLock { $0.role } }

    /// Role changes, starting with the current role.
    public func roles() -> AsyncStream<Role> {
        let (stream, continuation) = AsyncStream<Role>.makeStream(bufferingPolicy: .bufferingNewest(8))
        watchers.withLock { $0.append(continuation) }
        continuation.yield(role)
        return stream
    }

    public func run() async throws {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await thread.run { try self.step() }
                failures = 0
            } catch {
                failures += 1
                if failures == 1 || failures % 30 == 0 {
                    logger.warning("leader election: database unreachable", metadata: ["error": "\(error)"])
                }
            }
            // Back off while the database is unreachable, up to ten heartbeats.
            let pause = failures == 0 ? heartbeat : heartbeat * min(10, failures)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
        try? await thread.runEvenIfCancelled { self.stepDown(closing: true) }
    }

    /// One heartbeat: connect if needed, check a held lock, or try to take it.
    ///
    /// A process that takes the lock acts as leader only after holding it for two
    /// heartbeats: by then a previous leader whose session died has seen its own
    /// heartbeat fail and stepped down, so two processes never both act. (One that
    /// is stalled instead is still stopped by the fence.)
    private func step() throws {
        // Connect outside the lock: a connect can take as long as its timeout.
        let connection: Connection
        if let held = state.withLock({ $0.connection }) {
            connection = held
        } else {
            connection = try Connection(conninfo: conninfo)
            state.withLock { $0.connection = connection }
        }
        do {
            if let since = lockedSince.withLock({ $0 }) {
                try connection.ping()
                if role == .follower, ContinuousClock.now - since >= heartbeat * 2 {
                    let backend = connection.backendProcessID
                    set(.leader(backend: backend))
                    logger.notice("leader: this process now aggregates and sends mail", metadata: ["backend": "\(backend)"])
                }
                return
            }
            if try LeaderLock.tryTake(on: connection) {
                lockedSince.withLock { $0 = .now }
            }
        } catch {
            stepDown(closing: true)
            throw error
        }
    }

    private func stepDown(closing: Bool) {
        lockedSince.withLock { $0 = nil }
        let (wasLeader, connection) = state.withLock { state -> (Bool, Connection?) in
            let was = state.role != .follower
            let connection = closing ? state.connection : nil
            if closing { state.connection = nil }
            return (was, connection)
        }
        // Closing the session releases the lock at once.
        connection?.finish()
        if wasLeader {
            set(.follower)
            logger.notice("leader: stepped down")
        }
    }

    private func set(_ role: Role) {
        state.withLock { $0.role = role }
        watchers.withLock { $0.forEach { $0.yield(role) } }
    }

    /// Checks, inside a side effect's own transaction, that this process still
    /// leads: the lock must still be held by the leader's session.
    public static func fence(_ connection: Connection, backend: Int32) throws {
        guard try LeaderLock.isHeld(byBackend: backend, on: connection) else { throw LeadershipLost() }
    }
}

/// A side effect was refused because this process no longer leads.
public struct LeadershipLost: Error, CustomStringConvertible {
    public var description: String { "this process is no longer the leader" }
}
