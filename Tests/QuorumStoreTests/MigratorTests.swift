import QuorumTestSupport
import Testing

@testable import QuorumStore

@Suite(.testDatabases) struct MigratorTests {
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

/// A database made by the release before provenance (migrations 1–6) keeps its
/// data through migration 7, and every event gets a source.
@Suite(.testDatabases) struct ProvenanceMigrationTests {
    @Test func aDatabaseOfThePreviousReleaseMigratesAndKeepsItsData() throws {
        let c = try TestDatabase.connect(migrated: false)
        let previous = Migrator.all.filter { $0.version < 7 }
        try Migrator(migrations: previous).migrate(c)
        try c.executeScript(
            """
            INSERT INTO quorum.source (key, title) VALUES ('doc', 'A document');
            INSERT INTO quorum.organisation (code, name) VALUES ('ORG', 'An organisation'), ('OTHER', 'Another');
            INSERT INTO quorum.body (organisation_id, code, name, kind)
                SELECT id, 'forum', 'Forum', 'advisory' FROM quorum.organisation WHERE code = 'ORG';
            INSERT INTO quorum.event (body_id, session, title, start_date, date_precision)
                SELECT id, n, 'Session ' || n, make_date(2020 + n, 1, 1), 'year' FROM quorum.body, generate_series(1, 3) n;
            INSERT INTO quorum.figure (event_id, measure, value, qualifier, scope, source_id, locator, note)
                SELECT e.id, 'participants', 40, 'exact', 'all', s.id, 'page 2', NULL
                FROM quorum.event e, quorum.source s WHERE e.session = 1;
            INSERT INTO quorum.figure (event_id, measure, value, qualifier, scope, source_id, locator, note)
                SELECT e.id, 'organisations', 2, 'exact', 'all', s.id, 'page 3', 'Derived: counted from the names on page 3.'
                FROM quorum.event e, quorum.source s WHERE e.session = 1;
            INSERT INTO quorum.attendee (event_id, organisation_id, role, source_id, locator)
                SELECT e.id, o.id, 'organisation', s.id, 'page 5'
                FROM quorum.event e, quorum.organisation o, quorum.source s WHERE e.session = 2 AND o.code = 'OTHER';
            INSERT INTO quorum.membership_count (organisation_id, role, valid_from, from_precision, count, qualifier,
                                                 source_id, locator, note)
                SELECT o.id, 'member', '2020-01-01', 'year', 12, 'exact', s.id, 'page 1', 'Derived: 13 less one.'
                FROM quorum.organisation o, quorum.source s WHERE o.code = 'ORG';
            """)
        #expect(try Migrator(migrations: Migrator.all.filter { $0.version <= 7 }).migrate(c) == [7])

        let events = try c.query(
            """
            SELECT e.session, e.status::text, s.key, e.locator FROM quorum.event e JOIN quorum.source s ON s.id = e.source_id
            ORDER BY e.session
            """
        ).map {
            "\(try $0.require(Int.self, at: 0)) \(try $0.require(String.self, at: 1)) \(try $0.require(String.self, at: 2)) \(try $0.require(String.self, at: 3))"
        }
        // The first takes its first figure's source, the second its attendee's; the third had neither.
        #expect(events == ["1 held doc page 3", "2 held doc page 5", "3 held unrecorded not recorded"])
        let figure = try c.query("SELECT derivation, note FROM quorum.figure WHERE measure = 'organisations'")[0]
        #expect(try figure.decode(String.self, at: 0) == "counted from the names on page 3.")
        #expect(try figure.decode(String.self, at: 1) == nil)
        #expect(try c.query("SELECT derivation FROM quorum.membership_count")[0].decode(String.self, at: 0) == "13 less one.")
        #expect(try c.query("SELECT count(*) FROM quorum.figure")[0].require(Int.self, at: 0) == 2)

        // From now on the database refuses an event without a source.
        #expect(throws: PQError.self) {
            try c.execute(
                """
                INSERT INTO quorum.event (body_id, session, title, start_date, date_precision)
                SELECT id, 9, 'Session 9', '2030-01-01', 'year' FROM quorum.body
                """)
        }
        // And the migrated data, once the later migrations ran, exports in the new format.
        _ = try Migrator().migrate(c)
        let exported = try Exporter(c).dataset()
        #expect(exported.events.map(\.source) == ["doc", "doc", "unrecorded"])
    }
}
