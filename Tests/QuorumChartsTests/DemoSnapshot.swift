import Foundation
import QuorumAggregates
import QuorumStore
import QuorumTestSupport

/// The snapshot of the built-in demo dataset, computed once per test run on the
/// shared test cluster.
enum DemoSnapshot {
    static let snapshot: Result<Snapshot, Error> = Result {
        let connection = try TestDatabase.connect()
        defer { connection.finish() }
        _ = try DatasetImporter(connection).run(try DemoData.dataset(), file: "demo")
        return try Aggregator().run(connection)
    }

    static func get() throws -> Snapshot { try snapshot.get() }
}
