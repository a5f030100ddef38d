import Foundation
import Logging
import QuorumAggregates
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Synchronization
import Testing

@testable import QuorumDaemon

/// Runs services in a task group for a test; cancels them at the end.
func withServices<T>(_ services: [@Sendable () async throws -> Void], _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for service in services { group.addTask { try await service() } }
        defer { group.cancelAll() }
        return try await body()
    }
}

let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

@Suite(.testDatabases) struct LeaderElectionTests {
    @Test func exactlyOneOfThreeLeadsAndAnotherTakesOverWhenItDies() async throws {
        let conninfo = try TestDatabase.fresh()
        let elections = (0..<3).map { _ in LeaderElection(conninfo: conninfo, heartbeat: .milliseconds(250), logger: quiet) }
        let leaders: @Sendable () -> [LeaderElection] = { elections.filter { $0.role != .follower } }
        let overlap = Atomic<Int>(0)

        try await withServices(
            elections.map { election in { try await election.run() } } + [
                {
                    // A watcher: never two leaders at once, sampled all through the test.
                    while !Task.isCancelled {
                        if leaders().count > 1 { overlap.add(1, ordering: .relaxed) }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
            ]
        ) {
            try #require(try await eventually { leaders().count == 1 })
            try await Task.sleep(for: .milliseconds(500))
            #expect(leaders().count == 1)

            // The leader's session dies (a crash, a network cut): its lock goes with it.
            let first = try #require(leaders().first)
            guard case .leader(let backend) = first.role else { return }
            let admin = try Connection(conninfo: conninfo)
            try admin.execute("SELECT pg_terminate_backend(\(backend))")
            #expect(try await eventually { first.role == .follower })
            #expect(try await eventually { leaders().count == 1 && leaders()[0] !== first })
        }
        #expect(overlap.load(ordering: .relaxed) == 0)
    }

    @Test func aStaleLeaderCannotPublish() async throws {
        let conninfo = try TestDatabase.fresh()
        let election = LeaderElection(conninfo: conninfo, heartbeat: .seconds(1), logger: quiet)
        try await withServices([{ try await election.run() }]) {
            #expect(try await eventually { election.role != .follower })
            guard case .leader(let backend) = election.role else { return }
            let c = try Connection(conninfo: conninfo)
            // While it leads, the fence lets its run through.
            _ = try Aggregator().run(c) { try LeaderElection.fence($0, backend: backend) }
            // Its lock session dies; whether or not it has noticed yet, the fence refuses.
            try c.execute("SELECT pg_terminate_backend(\(backend))")
            try await Task.sleep(for: .milliseconds(100))
            #expect(throws: LeadershipLost.self) {
                try Aggregator().run(c) { try LeaderElection.fence($0, backend: backend) }
            }
            #expect(try c.query("SELECT count(*) FROM quorum.snapshot WHERE status = 'complete'")[0].require(Int.self, at: 0) == 1)
        }
    }
}

/// A fresh database with the demo data, and a configuration that aggregates with
/// `debounce` milliseconds between runs and leads within a tenth of a second.
private func demoDatabase(debounce: Int) throws -> (conninfo: String, connection: Connection, configuration: Configuration) {
    let conninfo = try TestDatabase.fresh()
    let connection = try Connection(conninfo: conninfo)
    _ = try DatasetImporter(connection).run(try DemoData.dataset(), file: "demo")
    var configuration = Configuration()
    configuration.aggregationDebounceMilliseconds = debounce
    configuration.leaderHeartbeatMilliseconds = 100
    return (conninfo, connection, configuration)
}

/// The Business Council's participants in 2021 as a snapshot has them.
private func businessCouncil2021(_ snapshot: Snapshot?) -> Int64? {
    snapshot?["body_year"]?.records.first { $0["body"]?.text == "business-council" && $0["year"]?.integer == 2021 }?["participants"]?
        .integer
}

@Suite(.testDatabases) struct AggregationServiceTests {
    @Test func aggregatesAfterAChangeAndNotWithoutOne() async throws {
        let (conninfo, c, configuration) = try demoDatabase(debounce: 100)
        let leader = Daemon(conninfo: conninfo, configuration: configuration, logger: quiet)
        let follower = Daemon(conninfo: conninfo, configuration: configuration, logger: quiet)
        let daemons = [leader, follower]
        defer { daemons.forEach { $0.close() } }

        try await withServices([
            { try await leader.election.run() }, { try await leader.aggregation.run() },
        ]) {
            #expect(try await eventually { leader.cache.snapshot != nil })
            try await withServices([{ try await follower.election.run() }, { try await follower.aggregation.run() }]) {
                #expect(try await eventually { follower.cache.snapshot?.id == leader.cache.snapshot?.id })
                let first = try #require(leader.cache.snapshot)

                // A change: a new snapshot on the leader and the follower, brought by the
                // change and not by the hourly schedule. The wait allows seconds, as eight
                // tests run beside this one on two cores; the debounce is 100 ms.
                try c.execute("UPDATE quorum.figure SET value = 117 WHERE value = 116 AND measure = 'participants'")
                #expect(
                    try await eventually {
                        follower.cache.snapshot.map { $0.id > first.id } ?? false
                    })
                #expect(businessCouncil2021(leader.cache.snapshot) == 117)

                // No change, no run: the same data imported again.
                let runs = leader.aggregation.runs.load(ordering: .relaxed)
                _ = try DatasetImporter(c).run(try Exporter(c).dataset(), file: "again")
                try await Task.sleep(for: .milliseconds(600))
                #expect(leader.aggregation.runs.load(ordering: .relaxed) == runs)
                #expect(follower.aggregation.runs.load(ordering: .relaxed) == 0)
            }
        }
    }
}

@Suite(.testDatabases) struct DebounceTests {
    /// A change after a quiet period is aggregated at once, not after the debounce;
    /// changes that follow it within the debounce wait and are aggregated together.
    @Test func aChangeAfterQuietRunsAtOnceAndABurstAfterItRunsOnce() async throws {
        let (conninfo, c, configuration) = try demoDatabase(debounce: 5_000)
        let daemon = Daemon(conninfo: conninfo, configuration: configuration, logger: quiet)
        defer { daemon.close() }
        func participants() -> Int64? { businessCouncil2021(daemon.cache.snapshot) }
        func change(to value: Int) throws {
            try c.execute("UPDATE quorum.figure SET value = \(value) WHERE value = \(value - 1) AND measure = 'participants'")
        }
        try await withServices([{ try await daemon.election.run() }, { try await daemon.aggregation.run() }]) {
            // A first change, seen however the daemon comes to it (it may not listen yet),
            // shows that it listens; then a quiet period.
            try change(to: 117)
            #expect(try await eventually { participants() == 117 })
            try await Task.sleep(for: .seconds(6))

            // Well inside the 5 s debounce (8 tests run beside this one on two cores).
            let runs = daemon.aggregation.runs.load(ordering: .relaxed)
            let changed = ContinuousClock.now
            try change(to: 118)
            #expect(try await eventually(timeout: .seconds(4)) { participants() == 118 })
            #expect(ContinuousClock.now - changed < .seconds(4))
            #expect(daemon.aggregation.runs.load(ordering: .relaxed) == runs + 1)

            // Three more changes at once, within the debounce: they wait for it to pass, then run together.
            for value in [119, 120, 121] { try change(to: value) }
            try await Task.sleep(for: .seconds(2))
            #expect(participants() == 118)
            #expect(try await eventually { participants() == 121 })
            #expect(daemon.aggregation.runs.load(ordering: .relaxed) == runs + 2)
        }
    }
}

@Suite(.testDatabases) struct DatabaseRestartTests {
    @Test func theDaemonKeepsServingThroughARestartAndAggregatesAfterIt() async throws {
        try await withPrivateCluster { cluster in
            let setup = try Connection(conninfo: cluster.conninfo)
            try Migrator().migrate(setup)
            _ = try DatasetImporter(setup).run(try DemoData.dataset(), file: "demo")
            setup.finish()

            var configuration = Configuration()
            configuration.aggregationDebounceMilliseconds = 50
            configuration.leaderHeartbeatMilliseconds = 100
            let daemon = Daemon(conninfo: cluster.conninfo, configuration: configuration, logger: quiet)
            defer { daemon.close() }
            try await withServices([{ try await daemon.election.run() }, { try await daemon.aggregation.run() }]) {
                #expect(try await eventually { daemon.cache.snapshot != nil })
                let before = try #require(daemon.cache.snapshot)

                try await cluster.stop()
                try await Task.sleep(for: .milliseconds(500))
                #expect(daemon.cache.snapshot == before)  // still served while the database is away
                #expect(try await eventually { daemon.election.role == .follower })
                _ = try await cluster.start()

                // Back: the daemon leads again, and a change makes a new snapshot.
                #expect(try await eventually { daemon.election.role != .follower })
                let c = try Connection(conninfo: cluster.conninfo)
                try c.execute("UPDATE quorum.figure SET value = 51 WHERE value = 50 AND measure = 'participants'")
                #expect(try await eventually { (daemon.cache.snapshot?.id ?? 0) > before.id })
                #expect(try c.query("SELECT count(*) FROM quorum.snapshot WHERE status = 'complete'")[0].require(Int.self, at: 0) >= 2)
            }
        }
    }
}
