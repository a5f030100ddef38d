import Testing
@testable import QuorumStore
import QuorumTestSupport

@Suite struct MigratorTests {
    @Test func appliesOnceAndRecordsChecksums() throws {
        let c = try TestDatabase.connect(migrated: false)
        #expect(try Migrator().migrate(c) == Migrator.all.map(\.version))
        #expect(try Migrator().migrate(c) == [])
        let recorded = try c.query("SELECT version, length(checksum) FROM quorum.schema_migration")
        #expect(recorded.count == Migrator.all.count)
        #expect(try recorded[0].require(Int.self, at: 1) == 64)
    }

    @Test func refusesAChangedMigration() throws {
        let c = try TestDatabase.connect(migrated: true)
        let original = Migrator.all[0]
        let edited = Migrator.Migration(version: original.version, name: original.name, sql: original.sql + "\n-- edited")
        #expect {
            try Migrator(migrations: [edited] + Migrator.all.dropFirst()).migrate(c)
        } throws: { "\($0)".contains("was changed after it was applied") }
    }

    @Test func refusesADatabaseFromANewerQuorum() throws {
        let c = try TestDatabase.connect(migrated: true)
        let future = Migrator.Migration(version: 999, name: "future", sql: "CREATE TABLE quorum.future (x int)")
        try Migrator(migrations: Migrator.all + [future]).migrate(c)
        #expect { try Migrator().migrate(c) } throws: { "\($0)".contains("migration 999") }
    }

    @Test func aFailingMigrationLeavesNothingBehind() throws {
        let c = try TestDatabase.connect(migrated: true)
        let broken = Migrator.Migration(version: 900, name: "broken", sql: "CREATE TABLE quorum.half (x int); SELECT 1/0;")
        #expect(throws: PQError.self) { try Migrator(migrations: Migrator.all + [broken]).migrate(c) }
        #expect(try c.query("SELECT to_regclass('quorum.half') IS NULL")[0].require(Bool.self, at: 0))
        #expect(try c.query("SELECT max(version) FROM quorum.schema_migration")[0].require(Int.self, at: 0) == Migrator.all.last!.version)
    }

    @Test func concurrentMigrationsApplyOnce() async throws {
        let conninfo = try TestDatabase.fresh(migrated: false)
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let c = try Connection(conninfo: conninfo)
                    defer { c.finish() }
                    return try Migrator().migrate(c)
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(applied == Migrator.all.map(\.version))
    }
}
