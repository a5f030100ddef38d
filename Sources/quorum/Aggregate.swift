import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

struct Aggregate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the aggregates once and store a snapshot (what the daemon's leader does on change).")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print the aggregates' SQL instead, one statement per aggregate (for psql, for benchmarks).")
    var sql = false
    @Flag(help: "Recompute everything, not only what changed since the last snapshot.")
    var full = false

    func run() async throws {
        if sql {
            for definition in AggregateDefinition.builtIn {
                if let text = definition.sqlText {
                    print("-- \(definition.name): \(definition.description)\n\(text);\n")
                } else {
                    print("-- \(definition.name): derived in memory from the aggregates above\n")
                }
            }
            return
        }
        // Like the daemon, which holds the last snapshot: only what changed since is read.
        // The time is the run's own, from its start to its commit; loading the base is not.
        let (snapshot, elapsed) = try await database.withDatabase { connection in
            let base = full ? nil : try Aggregator.latest(connection, eventGroups: true)
            let start = ContinuousClock.now
            return (try Aggregator().run(connection, base: base), ContinuousClock.now - start)
        }
        print(
            "snapshot \(snapshot.id) of data version \(snapshot.dataVersion): "
                + "\(snapshot.tables.count) aggregates, \(snapshot.tables.map(\.rows.count).reduce(0, +)) rows, \(elapsed.milliseconds) ms")
    }
}
