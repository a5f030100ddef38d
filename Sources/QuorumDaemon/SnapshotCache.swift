import QuorumAggregates
import Synchronization

/// The last complete snapshot, in memory: what every reader (pages, API, mail)
/// is served from, never a query per request.
public final class SnapshotCache: Sendable {
    private let current = Mutex<Snapshot?>(nil)

    public init() {}

    public var snapshot: Snapshot? { current.withLock { $0 } }

    /// Keeps `snapshot` if it is newer than the one held; returns whether it was.
    @discardableResult
    public func offer(_ snapshot: Snapshot) -> Bool {
        current.withLock { held in
            guard held.map({ snapshot.id > $0.id }) ?? true else { return false }
            held = snapshot
            return true
        }
    }
}
