import Synchronization

/// The last complete snapshot, in memory: what every reader (pages, API, mail)
/// is served from, never a query per request.
public final class SnapshotCache: Sendable {
    private struct State {
        var snapshot: Snapshot?
        var subscribers: [Int: AsyncStream<Snapshot>.Continuation] = [:]
        var nextSubscriber = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var snapshot: Snapshot? { state.withLock { $0.snapshot } }

    /// Keeps `snapshot` if it is newer than the one held, and tells every
    /// subscriber; returns whether it was newer.
    @discardableResult
    public func offer(_ snapshot: Snapshot) -> Bool {
        state.withLock { state in
            guard state.snapshot.map({ snapshot.id > $0.id }) ?? true else { return false }
            state.snapshot = snapshot
            for continuation in state.subscribers.values { continuation.yield(snapshot) }
            return true
        }
    }

    /// Every newer snapshot from now on, starting with the one held if any.
    /// A slow subscriber sees only the newest: older ones are dropped.
    public func updates() -> AsyncStream<Snapshot> {
        let (stream, continuation) = AsyncStream<Snapshot>.makeStream(bufferingPolicy: .bufferingNewest(1))
        state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = continuation
            if let held = state.snapshot { continuation.yield(held) }
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
        }
        return stream
    }
}
