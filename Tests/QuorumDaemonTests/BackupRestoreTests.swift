import Foundation
import QuorumTestSupport
import Testing

/// The backup and restore of docs/operations.md, command for command: pg_dump
/// of the schema `quorum`, pg_restore into an empty database.
@Suite(.testDatabases) struct BackupRestoreTests {
    /// PostgreSQL's client programs, of the newest installed version.
    func postgresProgram(_ name: String) throws -> String {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let newest = versions.compactMap(Int.init).max()
        return newest.map { "/usr/lib/postgresql/\($0)/bin/\(name)" } ?? name
    }

    @Test func aDumpOfTheQuorumSchemaRestoresToTheSameDataAndAggregationCarriesOn() async throws {
        let quorum = try quorumExecutable().path
        let original = try TestDatabase.fresh()
        let seeded = try await runToEnd([quorum, "seed", "--demo", "--database-url", original])
        try #require(seeded.status == 0, "\(seeded.output)")
        let aggregated = try await runToEnd([quorum, "aggregate", "--database-url", original])
        try #require(aggregated.status == 0, "\(aggregated.output)")

        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-\(UInt32.random(in: 0...UInt32.max)).dump").path
        defer { try? FileManager.default.removeItem(atPath: dump) }
        let dumped = try await runToEnd([try postgresProgram("pg_dump"), "--format=custom", "--schema=quorum", "--file=\(dump)", original])
        #expect(dumped.status == 0, "\(dumped.output)")

        let restored = try TestDatabase.fresh(migrated: false)
        let restoring = try await runToEnd([try postgresProgram("pg_restore"), "--no-owner", "--dbname=\(restored)", dump])
        #expect(restoring.status == 0, "\(restoring.output)")

        let before = try await runToEnd([quorum, "export", "--format", "json", "--database-url", original])
        let after = try await runToEnd([quorum, "export", "--format", "json", "--database-url", restored])
        #expect(before.status == 0 && after.status == 0)
        #expect(before.output.count > 1000)
        #expect(after.output == before.output, "the restored database exports differently")

        // The snapshot sequence came along: the next run follows the restored snapshot.
        let next = try await runToEnd([quorum, "aggregate", "--database-url", restored])
        #expect(next.status == 0 && next.output.hasPrefix("snapshot 2 "), "\(next.output)")
    }
}
