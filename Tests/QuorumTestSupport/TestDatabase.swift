import Foundation
import QuorumStore
import Synchronization

/// A real PostgreSQL for the tests: an embedded cluster in a temporary
/// directory, started once per test run and stopped when the run exits. Every
/// test gets a database of its own, so tests run in parallel without meeting.
public enum TestDatabase {
    /// The run's cluster, started once by the first test that needs it (the
    /// `.testDatabases` trait waits for it) and stopped when the run exits.
    private static let startup = Task<EmbeddedCluster, Error> {
        await stopClustersOfDeadRuns()
        let directory = URL(fileURLWithPath: "/tmp/quorum-tests-\(getpid())")
        let cluster = EmbeddedCluster(dataDirectory: directory)
        if try await cluster.start() {
            clusterToStop = cluster
            atexit { stopAtExit() }
        }
        // A throwaway cluster need not survive a machine crash: no fsync, no full-page
        // images, so the suite's thousands of commits cost no disk flushes. A killed
        // server still loses nothing committed (its writes are in the kernel's cache).
        let admin = try Connection(conninfo: cluster.conninfo)
        defer { admin.finish() }
        for setting in ["fsync", "full_page_writes"] { _ = try admin.execute(SQL("ALTER SYSTEM SET \(setting) = off", binds: [])) }
        _ = try admin.query(SQL("SELECT pg_reload_conf()", binds: []))
        return cluster
    }
    private static let started = Mutex<Result<EmbeddedCluster, Error>?>(nil)
    nonisolated(unsafe) private static var clusterToStop: EmbeddedCluster?

    /// Starts the run's cluster unless it runs already.
    static func start() async {
        guard started.withLock({ $0 == nil }) else { return }
        let result = await startup.result
        started.withLock { $0 = result }
    }

    /// The run's cluster, for the tests of suites with the `.testDatabases` trait.
    public static var cluster: EmbeddedCluster {
        get throws {
            guard let result = started.withLock({ $0 }) else {
                throw TestDatabaseError("the test's suite needs the .testDatabases trait, which starts the run's PostgreSQL")
            }
            return try result.get()
        }
    }

    /// Stops the cluster as `pg_ctl stop -m fast` does (SIGINT to the postmaster),
    /// waits for it, and removes it: at exit, where nothing can be awaited.
    private static func stopAtExit() {
        guard let cluster = clusterToStop else { return }
        stop(cluster.directory)
    }

    private static func stop(_ directory: URL) {
        let pidFile = directory.appendingPathComponent("postmaster.pid")
        if let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let pid = text.split(separator: "\n").first.flatMap({ pid_t($0) }), kill(pid, SIGINT) == 0
        {
            for _ in 0..<600 where kill(pid, 0) == 0 { usleep(50_000) }
        }
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }

    /// A run that crashed could not stop what it started: the next run stops it —
    /// its cluster, the private clusters of its tests, and the replicas of
    /// `Deploy/replicas.sh` with their PostgreSQL and nginx.
    private static func stopClustersOfDeadRuns() async {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        func deadRun(_ name: String, _ prefix: String) -> Bool {
            guard name.hasPrefix(prefix), let pid = pid_t(name.dropFirst(prefix.count).prefix { $0.isNumber }) else { return false }
            return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
        }
        for name in names where deadRun(name, "quorum-tests-") || deadRun(name, "quorum-private-") {
            stop(URL(fileURLWithPath: "/tmp/\(name)/postgres"))
        }
        let replicas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Deploy/replicas.sh")
        for name in names where deadRun(name, "quorum-replicas-test-") {
            _ = try? await ChildProcess.run(
                "/bin/bash", [replicas.standardizedFileURL.path, "stop"], environment: ["QUORUM_REPLICAS_DIR": "/tmp/\(name)"])
        }
    }

    /// The conninfo of a new database of the test's own: cloned from a migrated
    /// template (made once per run), or empty when `migrated` is false. It is
    /// dropped when the test ends, if its suite has the `.testDatabases` trait.
    public static func fresh(migrated: Bool = true) throws -> String {
        _ = try cluster  // before the templates, which would keep the error for the run
        return try clone(migrated ? try template.get() : "template0")
    }

    public static func connect(migrated: Bool = true) throws -> Connection {
        try Connection(conninfo: fresh(migrated: migrated))
    }

    /// A fresh database with the built-in CICA dataset loaded.
    public static func seeded() throws -> Connection {
        _ = try cluster
        return try Connection(conninfo: clone(try seededTemplate.get()))
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
        let cluster = try cluster
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
        guard !names.isEmpty, let cluster = try? cluster, let admin = try? Connection(conninfo: cluster.conninfo) else { return }
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
    _ = try await cluster.start()
    func remove() async {
        try? await cluster.stop()
        try? FileManager.default.removeItem(at: directory)
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

/// Waits until `condition` holds, checking every 25 ms; false if it still does not after
/// `timeout`, which is generous: a loaded machine runs eight tests on two cores.
public func eventually(timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(25))
    }
    return try condition()
}

struct TestDatabaseError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
