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

    /// The conninfo of a new database of the test's own: cloned from a migrated
    /// template (made once per run), or empty when `migrated` is false. It is
    /// dropped when the test ends, if its suite has the `.dropsDatabases` trait.
    public static func fresh(migrated: Bool = true) throws -> String {
        try clone(migrated ? try template.get() : "template0")
    }

    public static func connect(migrated: Bool = true) throws -> Connection {
        try Connection(conninfo: fresh(migrated: migrated))
    }

    /// A fresh database with the built-in CICA dataset loaded.
    public static func seeded() throws -> Connection {
        try Connection(conninfo: clone(try seededTemplate.get()))
    }

    /// Migrated, and left without connections so it can be cloned.
    private static let template = Result { try makeTemplate("quorum_template", from: "template0") { try Migrator().migrate($0) } }
    private static let seededTemplate = Result {
        try makeTemplate("quorum_seeded", from: try template.get()) {
            _ = try DatasetImporter($0).run(try DemoData.dataset(), file: "demo")
        }
    }

    private static func makeTemplate(_ name: String, from source: String, _ fill: (Connection) throws -> Void) throws -> String {
        let conninfo = try clone(source, named: name, dropped: false)
        let connection = try Connection(conninfo: conninfo)
        defer { connection.finish() }
        try fill(connection)
        return name
    }

    private static func clone(_ source: String, named name: String = "test_\(UInt64.random(in: 0...UInt64.max))", dropped: Bool = true) throws
        -> String
    {
        let cluster = try cluster.get()
        let admin = try Connection(conninfo: cluster.conninfo)
        defer { admin.finish() }
        try admin.execute(SQL("CREATE DATABASE \(name) TEMPLATE \(source)", binds: []))
        if dropped { DatabaseScope.current?.record(name) }
        return cluster.conninfo.replacingOccurrences(of: "dbname=\(cluster.database)", with: "dbname=\(name)")
    }

    /// Runs `body`, whose databases are kept for the whole run rather than dropped
    /// with the test that happens to make them: for fixtures that tests share.
    public static func sharedByTheRun<T>(_ body: () throws -> T) rethrows -> T {
        try DatabaseScope.$current.withValue(nil, operation: body)
    }

    /// Drops databases, closing any connection a test left open to them.
    static func drop(_ names: [String]) {
        guard !names.isEmpty, let cluster = try? cluster.get(), let admin = try? Connection(conninfo: cluster.conninfo) else { return }
        defer { admin.finish() }
        for name in names { try? admin.execute(SQL("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", binds: [])) }
    }
}

/// Runs `body` with a cluster of the test's own, for tests that stop and restart
/// the server (which would disturb every other test on the shared one); the
/// cluster is stopped and removed afterwards.
public func withPrivateCluster<T>(_ body: (EmbeddedCluster) async throws -> T) async throws -> T {
    let directory = URL(fileURLWithPath: "/tmp/quorum-private-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    let cluster = EmbeddedCluster(dataDirectory: directory)
    // initdb and pg_ctl take seconds: waited for on the tests' own threads.
    _ = try await offPool { try cluster.start() }
    func remove() async {
        _ = try? await offPool {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }
    do {
        let result = try await body(cluster)
        await remove()
        return result
    } catch {
        await remove()
        throw error
    }
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
