import QuorumStore
import QuorumTestSupport
import Synchronization
import Testing

/// The tests' own databases: cloned from the templates, and gone once the test
/// that made them ends, so a parallel run's cluster does not fill up.
@Suite struct TestDatabaseTests {
    /// Whether the database `name` exists on the tests' cluster.
    func exists(_ name: String) throws -> Bool {
        let admin = try Connection(conninfo: try TestDatabase.cluster.conninfo)
        defer { admin.finish() }
        return !(try admin.query("SELECT 1 FROM pg_database WHERE datname = \(name)").isEmpty)
    }

    func name(_ connection: Connection) throws -> String {
        try connection.query("SELECT current_database()")[0].require(String.self, at: 0)
    }

    @Test func theDatabasesATestMadeAreDroppedWhenItEnds() async throws {
        let test = try #require(Test.current)
        let made = Mutex<[String]>([])
        try await (.testDatabases as TestDatabases).provideScope(for: test, testCase: nil) {
            let migrated = try TestDatabase.connect()
            defer { migrated.finish() }
            let seeded = try TestDatabase.seeded()  // left open: dropped all the same
            let names = [try name(migrated), try name(seeded)]
            made.withLock { $0 = names }
            #expect(try seeded.query("SELECT count(*) FROM quorum.figure")[0].require(Int.self, at: 0) > 0)
            for name in names { #expect(try exists(name)) }
        }
        let names = made.withLock { $0 }
        #expect(names.count == 2)
        for name in names { #expect(try !exists(name)) }
    }

    @Test func aSharedFixturesDatabaseOutlivesTheTest() async throws {
        let test = try #require(Test.current)
        let kept = Mutex<String?>(nil)
        try await (.testDatabases as TestDatabases).provideScope(for: test, testCase: nil) {
            let connection = try TestDatabase.sharedByTheRun { try TestDatabase.connect() }
            defer { connection.finish() }
            kept.withLock { $0 = try? name(connection) }
        }
        #expect(try exists(try #require(kept.withLock { $0 })))
    }
}
