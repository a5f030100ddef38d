import Foundation
import QuorumStore

/// A real PostgreSQL for the tests: an embedded cluster in a temporary
/// directory, started once per test run and stopped when the run exits. Every
/// test gets a database of its own, so tests run in parallel without meeting.
public enum TestDatabase {
    public static let cluster: Result<EmbeddedCluster, Error> = Result {
        let directory = URL(fileURLWithPath: "/tmp/quorum-tests-\(getpid())")
        let cluster = EmbeddedCluster(dataDirectory: directory)
        if try cluster.start() {
            clusterToStop = cluster
            atexit {
                try? clusterToStop?.stop()
                if let directory = clusterToStop?.directory.deletingLastPathComponent() {
                    try? FileManager.default.removeItem(at: directory)
                }
            }
        }
        return cluster
    }
    nonisolated(unsafe) static var clusterToStop: EmbeddedCluster?

    /// The conninfo of a new, empty database, migrated unless told otherwise.
    public static func fresh(migrated: Bool = true) throws -> String {
        let cluster = try cluster.get()
        let name = "test_\(UInt64.random(in: 0...UInt64.max))"
        let admin = try Connection(conninfo: cluster.conninfo)
        defer { admin.finish() }
        try admin.execute(SQL("CREATE DATABASE \(name)", binds: []))
        let conninfo = cluster.conninfo.replacingOccurrences(of: "dbname=\(cluster.database)", with: "dbname=\(name)")
        if migrated {
            let connection = try Connection(conninfo: conninfo)
            defer { connection.finish() }
            try Migrator().migrate(connection)
        }
        return conninfo
    }

    public static func connect(migrated: Bool = true) throws -> Connection {
        try Connection(conninfo: fresh(migrated: migrated))
    }

    /// A fresh database with the built-in CICA dataset loaded.
    public static func seeded() throws -> Connection {
        let c = try connect()
        _ = try DatasetImporter(c).run(try DemoData.dataset(), file: "demo")
        return c
    }
}

/// Runs `body` with a cluster of the test's own, for tests that stop and restart
/// the server (which would disturb every other test on the shared one); the
/// cluster is stopped and removed afterwards.
public func withPrivateCluster<T>(_ body: (EmbeddedCluster) async throws -> T) async throws -> T {
    let directory = URL(fileURLWithPath: "/tmp/quorum-private-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    let cluster = EmbeddedCluster(dataDirectory: directory)
    _ = try cluster.start()
    defer {
        try? cluster.stop()
        try? FileManager.default.removeItem(at: directory)
    }
    return try await body(cluster)
}

/// Waits until `condition` holds, checking every 25 ms; false if it still does not after `timeout`.
public func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(25))
    }
    return try condition()
}
