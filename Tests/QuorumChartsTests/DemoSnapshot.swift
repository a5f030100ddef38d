import Foundation
import QuorumAggregates
import QuorumStore
import QuorumTestSupport

/// The snapshot of the built-in demo dataset, computed once per test run on the
/// shared test cluster.
enum DemoSnapshot {
    static let snapshot: Result<Snapshot, Error> = Result {
        let connection = try TestDatabase.seeded()
        defer { connection.finish() }
        return try Aggregator().run(connection)
    }

    static func get() throws -> Snapshot { try snapshot.get() }
}
