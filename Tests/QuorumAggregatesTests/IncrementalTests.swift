import Foundation
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumAggregates

/// A run from the previous snapshot reads only what changed: the events
/// inserted since, added to their groups, and the groups an update or delete
/// touched. Whatever the change, it must equal a run that reads everything.
@Suite(.testDatabases) struct IncrementalTests {
    func figures(_ lines: [[String]]) -> String {
        // Lines may stop before the optional columns at the end of the header.
        FigureRecord.headerLine
            + lines.map { CSVWriter.line($0 + Array(repeating: "", count: FigureRecord.Column.allCases.count - $0.count)) }
            .joined()
    }

    func importFigures(_ c: Connection, _ lines: [[String]]) throws {
        let csv = figures(lines)
        _ = try FigureImporter(c).run(FigureLines(bytes: Array(csv.utf8)), file: "t.csv")
    }

    /// Applies `change`, then checks the incremental run against a full one and returns it.
    @discardableResult
    func expectIncrementalEqualsFull(
        _ c: Connection, from base: Snapshot, _ what: Comment,
        _ change: () throws -> Void
    ) throws -> Snapshot {
        try change()
        let incremental = try Aggregator().run(c, base: base)
        let full = try Aggregator().run(c)
        for table in full.tables {
            #expect(incremental[table.name] == table, "\(table.name) after \(what)")
        }
        #expect(incremental.eventGroups == full.eventGroups, "the groups after \(what)")
        return incremental
    }

    /// Every other change starts from the snapshot as stored (its groups read
    /// back from the database, as a new leader does), the others from memory.
    @Test func everyKindOfChangeGivesWhatAFullRunGives() throws {
        let c = try TestDatabase.seeded()
        var base = try Aggregator().run(c)
        let stored = { try #require(try Aggregator.latest(c)) }
        base = try expectIncrementalEqualsFull(c, from: base, "new sessions in a new year") {
            try importFigures(
                c,
                [
                    [
                        "CICA", "youth-council", "20", "20th", "2030-03", "", "", "", "online", "", "", "participants", "30", "exact", "all",
                        "cica-2020-2024", "test", "",
                    ],
                    [
                        "CICA", "youth-council", "21", "21st", "2030-09", "", "", "", "", "economic", "", "participants", "40", "at_least", "all",
                        "cica-2020-2024", "test", "",
                    ],
                    [
                        "CICA", "youth-council", "21", "21st", "2030-09", "", "", "", "", "economic", "", "member_states", "9", "exact",
                        "member_states", "cica-2020-2024", "test", "",
                    ],
                ])
        }
        base = try expectIncrementalEqualsFull(c, from: try stored(), "new sessions in years with sessions") {
            try importFigures(
                c,
                [
                    [
                        "CICA", "youth-council", "22", "22nd", "2030-11", "", "", "", "hybrid", "", "", "participants", "35", "approximately", "all",
                        "cica-2020-2024", "test", "",
                    ],
                    [
                        "CICA", "youth-council", "22", "22nd", "2030-11", "", "", "", "hybrid", "", "", "organisations", "4", "exact", "all",
                        "cica-2020-2024", "test", "",
                    ],
                    [
                        "CICA", "business-council", "50", "50th", "2024-12", "", "", "", "", "", "", "participants", "11", "exact", "all",
                        "cica-2020-2024", "test", "",
                    ],
                ])
        }
        base = try expectIncrementalEqualsFull(c, from: base, "a figure added to an older session") {
            try importFigures(
                c,
                [
                    [
                        "CICA", "youth-council", "20", "20th", "2030-03", "", "", "", "online", "", "", "member_states", "12", "at_least",
                        "member_states_and_observers", "cica-2020-2024", "test", "",
                    ]
                ])
        }
        base = try expectIncrementalEqualsFull(c, from: try stored(), "a changed figure") {
            try c.execute("UPDATE quorum.figure SET value = 151, qualifier = 'approximately' WHERE measure = 'participants' AND value = 150")
        }
        base = try expectIncrementalEqualsFull(c, from: base, "an event moved to another year") {
            try c.execute(
                """
                UPDATE quorum.event SET start_date = start_date - interval '1 year'
                WHERE id = (SELECT min(event_id) FROM quorum.figure WHERE measure = 'participants')
                """)
        }
        base = try expectIncrementalEqualsFull(c, from: try stored(), "a named attendee") {
            try c.execute(
                """
                INSERT INTO quorum.attendee (event_id, country_code, role, source_id, locator)
                SELECT e.id, 'KAZ', 'member', s.id, 'test' FROM quorum.event e, quorum.source s
                WHERE e.session = 20 AND s.key = 'cica-2020-2024'
                """)
        }
        base = try expectIncrementalEqualsFull(c, from: base, "a new session with named attendees") {
            try importFigures(
                c,
                [
                    [
                        "CICA", "youth-council", "23", "23rd", "2030-12", "", "", "", "", "", "", "participants", "8", "exact", "all",
                        "cica-2020-2024", "test", "",
                    ]
                ])
            try c.execute(
                """
                INSERT INTO quorum.attendee (event_id, country_code, role, source_id, locator)
                SELECT e.id, country, 'member', s.id, 'test'
                FROM quorum.event e, quorum.source s, unnest(ARRAY['KAZ', 'CHN']) country
                WHERE e.session = 23 AND s.key = 'cica-2020-2024'
                """)
        }
        base = try expectIncrementalEqualsFull(c, from: base, "a new session with a derived figure") {
            try importFigures(
                c,
                [
                    [
                        "CICA", "youth-council", "24", "24th", "2030-11", "", "", "", "", "", "", "organisations", "4", "exact", "all",
                        "cica-2020-2024", "test", "", "", "", "", "Counted from the organisations the test names.",
                    ]
                ])
        }
        base = try expectIncrementalEqualsFull(c, from: try stored(), "a session only announced") {
            try c.execute("UPDATE quorum.event SET status = 'announced' WHERE session = 23 AND start_date >= '2030-01-01'")
        }
        base = try expectIncrementalEqualsFull(c, from: base, "an announced session held after all") {
            try c.execute("UPDATE quorum.event SET status = 'held' WHERE session = 23 AND start_date >= '2030-01-01'")
        }
        base = try expectIncrementalEqualsFull(c, from: try stored(), "a deleted event, its figures with it") {
            try c.execute("DELETE FROM quorum.event WHERE session = 21 AND start_date >= '2030-01-01'")
        }
        base = try expectIncrementalEqualsFull(c, from: base, "the last events of a year deleted") {
            try c.execute("DELETE FROM quorum.event WHERE start_date >= '2030-01-01'")
        }
        try expectIncrementalEqualsFull(c, from: base, "a renamed body (reference data)") {
            try c.execute("UPDATE quorum.body SET name = 'Renamed' WHERE code = 'youth-council'")
        }
    }

    @Test func onlyWhatChangedIsRead() throws {
        let c = try TestDatabase.seeded()
        let base = try Aggregator().run(c)
        try importFigures(
            c,
            [
                [
                    "CICA", "youth-council", "30", "30th", "2031-05", "", "", "", "", "", "", "participants", "12", "exact", "all", "cica-2020-2024",
                    "test", "",
                ]
            ])
        var changes = try Changes.since(base.dataVersion, c)
        #expect(changes.recompute.isEmpty, "an inserted event is added to its group, not recomputed")
        #expect(changes.newEvents.map(\.count) == [1])

        // A figure added to an event older than the base: its group is read again.
        let older = try c.query(
            """
            SELECT e.id, e.body_id, extract(year FROM e.start_date)::int FROM quorum.event e
            JOIN quorum.body b ON b.id = e.body_id WHERE b.code = 'youth-council'
              AND NOT EXISTS (SELECT 1 FROM quorum.figure f WHERE f.event_id = e.id AND f.measure = 'guest_states')
            ORDER BY e.id LIMIT 1
            """)[0]
        let youthCouncil: Int64 = try older.require(at: 1)
        try c.execute(
            """
            INSERT INTO quorum.figure (event_id, measure, value, qualifier, scope, source_id, locator)
            SELECT \(try older.require(Int64.self, at: 0)), 'guest_states', 3, 'exact', 'all', s.id, 'test'
            FROM quorum.source s WHERE s.key = 'cica-2020-2024'
            """)
        changes = try Changes.since(base.dataVersion, c)
        #expect(changes.recompute == [EventGroup.Key(body: youthCouncil, year: try older.require(at: 2))])

        // Unchanged groups' rows come from the base: a base with a doctored row keeps it.
        let bodyYear = try #require(base["body_year"])
        let (participants, body) = (try bodyYear.position(of: "participants"), try bodyYear.position(of: "body"))
        var rows = bodyYear.rows
        let untouched = try #require(rows.firstIndex { $0[body] != .text("youth-council") })
        rows[untouched][participants] = .integer(999_999)
        let doctored = Snapshot(
            id: base.id, startedAt: base.startedAt, finishedAt: base.finishedAt, dataVersion: base.dataVersion,
            tables: base.tables.map {
                $0.name == "body_year"
                    ? AggregateTable(name: $0.name, description: $0.description, columns: $0.columns, rows: rows) : $0
            },
            eventGroups: base.eventGroups)
        let next = try Aggregator(retention: 1).run(c, base: doctored)
        #expect(next["body_year"]?.records.contains { $0["participants"] == .integer(999_999) } == true)
        #expect(next["body_year"]?.records.contains { $0["body"] == .text("youth-council") && $0["year"] == .integer(2031) } == true)
        // The run forgot the changes no stored snapshot predates.
        #expect(try c.query("SELECT count(*) FROM quorum.dirty_group")[0].require(Int.self, at: 0) == 0)
        #expect(try c.query("SELECT count(*) FROM quorum.inserted_events")[0].require(Int.self, at: 0) == 0)
    }

    /// The aggregates made from the groups' partial aggregates must say what their SQL says.
    @Test func groupAggregatesMatchTheirSQL() throws {
        let c = try TestDatabase.seeded()
        _ = try DatasetImporter(c).run(SyntheticData().reference, file: "synthetic")
        let synthetic = Array(SyntheticData().figures(rows: 4_000)).map(\.cells)
        try importFigures(c, synthetic)
        try c.execute(
            """
            INSERT INTO quorum.attendee (event_id, country_code, organisation_id, role, source_id, locator)
            SELECT e.id, NULL, o.id, 'organisation', s.id, 'test'
            FROM quorum.event e, quorum.organisation o, quorum.source s
            WHERE e.session IN (1, 2) AND o.code = 'SCO' AND s.key = 'cica-2020-2024'
            ON CONFLICT DO NOTHING
            """)
        // Some figures derived, some events only announced: both must come out the same way.
        try c.execute("UPDATE quorum.figure SET derivation = 'Derived for the test.' WHERE value % 7 = 0")
        try c.execute("UPDATE quorum.event SET status = 'announced' WHERE session % 11 = 0")
        let snapshot = try Aggregator().run(c)
        for definition in [AggregateDefinition.bodyYear, .formatMix, .cbmEvents] {
            let sql = try #require(definition.sqlText)
            let table = try AggregateTable(
                name: definition.name, description: definition.description,
                evaluating: SQL(sql, binds: []), on: c)
            #expect(table.rows.count > 0)
            // Compared as stored: JSON keeps no difference between 1 and 1.0.
            #expect(snapshot[definition.name] == [table].stored[0], "\(definition.name)")
        }
        #expect(snapshot["body_year"]?.records.contains { $0["member_states_basis"] == .text("union of named states") } == true)
        #expect(snapshot["cbm_events"]?.rows.isEmpty == false)
        #expect(snapshot["body_year"]?.records.contains { $0["member_states_derivation"] == .text(Derivation.derivedFigure) } == true)
        #expect(snapshot["body_year"]?.records.contains { $0["participants_derivation"] == .text(Derivation.derivedFigure) } == true)
    }

    /// The two aggregates made in memory must say what their SQL said.
    @Test func derivedAggregatesMatchTheirSQL() throws {
        let c = try TestDatabase.seeded()
        let csv = figures([
            [
                "CICA", "youth-council", "20", "20th", "2030-03", "", "", "", "", "", "", "participants", "0", "exact", "all", "cica-2020-2024",
                "test", "",
            ],
            [
                "CICA", "youth-council", "21", "21st", "2031-09", "", "", "", "", "", "", "participants", "7", "approximately", "all",
                "cica-2020-2024", "test", "",
            ],
        ])
        _ = try FigureImporter(c).run(FigureLines(bytes: Array(csv.utf8)), file: "t.csv")
        let snapshot = try Aggregator().run(c)
        let qualifier = """
            CASE WHEN bool_or(f.qualifier = 'approximately') THEN 'approximately'
                 WHEN bool_or(f.qualifier = 'at_least') THEN 'at_least' ELSE 'exact' END
            """
        let yearOverYear = try AggregateTable(
            name: "year_over_year", description: AggregateDefinition.yearOverYear.description,
            evaluating: SQL(
                """
                WITH yearly AS (
                    SELECT e.body_id, extract(year FROM e.start_date)::int AS year, sum(f.value) AS participants,
                           \(qualifier) AS qualifier
                    FROM quorum.event e JOIN quorum.figure f ON f.event_id = e.id AND f.measure = 'participants'
                    GROUP BY e.body_id, 2
                ), paired AS (
                    SELECT *, lag(participants) OVER w AS previous, lag(qualifier) OVER w AS previous_qualifier,
                           lag(year) OVER w AS previous_year
                    FROM yearly WINDOW w AS (PARTITION BY body_id ORDER BY year)
                )
                SELECT o.code AS organisation, b.code AS body, p.year, p.participants, p.qualifier,
                       p.previous_year, p.participants - p.previous AS change,
                       round(100.0 * (p.participants - p.previous) / nullif(p.previous, 0), 1) AS change_percent,
                       CASE WHEN p.previous IS NULL THEN NULL
                            WHEN p.qualifier = 'exact' AND p.previous_qualifier = 'exact' THEN 'exact'
                            WHEN p.qualifier = 'at_least' AND p.previous_qualifier = 'exact' THEN 'at_least'
                            ELSE 'approximately' END AS change_qualifier
                FROM paired p JOIN quorum.body b ON b.id = p.body_id JOIN quorum.organisation o ON o.id = b.organisation_id
                ORDER BY o.code COLLATE "C", b.code COLLATE "C", p.year
                """, binds: []), on: c)
        let organisationTotals = try AggregateTable(
            name: "organisation_totals", description: AggregateDefinition.organisationTotals.description,
            evaluating: SQL(
                """
                SELECT o.code AS organisation, o.name, count(DISTINCT b.id) AS bodies, count(DISTINCT e.id) AS events,
                       count(DISTINCT f.event_id) AS events_with_participants, sum(f.value) AS participants,
                       CASE WHEN count(f.value) = 0 THEN NULL ELSE \(qualifier) END AS participants_qualifier,
                       min(extract(year FROM e.start_date))::int AS first_year,
                       max(extract(year FROM e.start_date))::int AS last_year
                FROM quorum.organisation o
                JOIN quorum.body b ON b.organisation_id = o.id
                LEFT JOIN quorum.event e ON e.body_id = b.id AND e.status = 'held'
                LEFT JOIN quorum.figure f ON f.event_id = e.id AND f.measure = 'participants'
                GROUP BY o.id ORDER BY o.code COLLATE "C"
                """, binds: []), on: c)
        // Compared as stored: JSON keeps no difference between 1 and 1.0.
        #expect(snapshot["year_over_year"] == [yearOverYear].stored[0])
        #expect(snapshot["organisation_totals"] == [organisationTotals].stored[0])
        #expect(snapshot["year_over_year"]?.rows.contains { $0[7] == .null && $0[6] != .null } == true, "a change from zero has no percentage")
    }

    @Test func tenthsRoundHalfAwayFromZero() {
        #expect(YearOverYear.tenthsRounded(1000 * 1, 8) == 125.0 / 10)  // 12.5 %
        #expect(YearOverYear.tenthsRounded(1000 * -1, 8) == -125.0 / 10)
        #expect(YearOverYear.tenthsRounded(1000 * 1, 3) == 33.3)
        #expect(YearOverYear.tenthsRounded(1000 * 2, 3) == 66.7)
        #expect(YearOverYear.tenthsRounded(1000 * -2, 3) == -66.7)
        #expect(YearOverYear.tenthsRounded(1000, 2000) == 0.1)  // 0.05 % rounds away from zero
        #expect(YearOverYear.tenthsRounded(-1000, 2000) == -0.1)
    }
}

/// A chart's own SELECT runs read-only and time-limited; when it fails, the run
/// keeps its error and everything else.
@Suite(.testDatabases) struct ChartQueryTests {
    @Test func aFailingChartQueryFailsNothingElse() throws {
        let c = try TestDatabase.connect()
        _ = try DatasetImporter(c).run(try DemoData.dataset(), file: "demo")
        let events = try c.query("SELECT count(*) FROM quorum.event")[0].require(Int.self, at: 0)
        let queries = [
            AggregateDefinition(
                name: "chart:sessions", description: "Sessions per body",
                sql: "SELECT b.code AS body, count(*) AS sessions FROM quorum.event e JOIN quorum.body b ON b.id = e.body_id GROUP BY 1 ORDER BY 1"),
            AggregateDefinition(name: "chart:writer", description: "", sql: "DELETE FROM quorum.event RETURNING id"),
            AggregateDefinition(name: "chart:slow", description: "", sql: "SELECT 1 AS x FROM pg_sleep(60)"),
            AggregateDefinition(name: "chart:typo", description: "", sql: "SELECT nosuchcolumn FROM quorum.event"),
        ]
        let started = Date()
        let snapshot = try Aggregator(queries: queries, queryTimeout: .milliseconds(300)).run(c)
        #expect(Date().timeIntervalSince(started) < 30, "the slow query was cut off")
        #expect(snapshot["chart:sessions"]?.rows.isEmpty == false)
        #expect(snapshot["chart:sessions"]?.error == nil)
        #expect(snapshot["chart:writer"]?.error?.contains("25006") == true, "\(snapshot["chart:writer"]?.error ?? "")")
        #expect(snapshot["chart:slow"]?.error?.contains("57014") == true, "\(snapshot["chart:slow"]?.error ?? "")")
        #expect(snapshot["chart:typo"]?.error?.contains("nosuchcolumn") == true)
        #expect(snapshot["body_year"]?.rows.isEmpty == false)
        #expect(try c.query("SELECT count(*) FROM quorum.event")[0].require(Int.self, at: 0) == events)
        #expect(try Aggregator.latest(c) == snapshot)
    }
}

@Suite(.testDatabases) struct SnapshotPayloadTests {
    @Test func thePayloadReadsBackAsStored() throws {
        let tables = [
            AggregateTable(
                name: "t", description: "quotes \" and \\ and\nlines, \u{1} control, Türkiye, </script>",
                columns: ["a", "b"],
                rows: [
                    [.integer(-5), .number(0.704)], [.number(2.0), .text("tab\there")],
                    [.null, .number(1e300)], [.number(.nan), .text("")],
                ]),
            AggregateTable(name: "chart:x", description: "", columns: [], rows: [], error: "42703: column \"x\" does not exist"),
        ]
        let read = try JSONDecoder().decode([AggregateTable].self, from: Data(tables.payload.utf8))
        #expect(read == tables.stored)
        #expect(read[0].rows[1][0] == .integer(2))
        #expect(read[0].rows[3][0] == .null)
        #expect(read[1].error == tables[1].error)
    }

    /// A run writes again only the slices of rows that changed since its base, and
    /// the payload is the one it would write from nothing.
    @Test func aPayloadReusesTheSlicesWhoseRowsAreUnchanged() throws {
        func table(_ changedRow: Int?) -> AggregateTable {
            AggregateTable(
                name: "big", description: "", columns: ["n", "label"],
                rows: (0..<2_500).map { n in [.integer(Int64(n == changedRow ? -n : n)), .text("row \(n)")] })
        }
        let small = AggregateTable(name: "small", description: "", columns: ["x"], rows: [[.number(1.0)]])
        let first = [table(nil), small].payload(reusing: nil)
        let base = Snapshot(
            id: 1, startedAt: Date(), finishedAt: Date(), dataVersion: 1, tables: [table(nil), small].stored, encodedRows: first.encoded)
        let next = [table(1_500), small].payload(reusing: base)
        #expect(next.text == [table(1_500), small].payload(reusing: nil).text)
        let (before, after) = (first.encoded.slices["big"]!, next.encoded.slices["big"]!)
        #expect(after.count == 3)
        func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { a.baseAddress == $0.baseAddress } }
        }
        #expect(same(before[0], after[0]) && same(before[2], after[2]), "the unchanged slices are the base's own")
        #expect(!same(before[1], after[1]) && before[1] != after[1], "the changed slice is written again")
        // A table that grew or shrank is compared row by row, slice by slice: never taken on trust.
        let grown = AggregateTable(name: "small", description: "", columns: ["x"], rows: [[.integer(0)], [.number(1.0)]])
        #expect([table(nil), grown].payload(reusing: base).text == [table(nil), grown].payload(reusing: nil).text)
        let shrunk = AggregateTable(name: "big", description: "", columns: ["n", "label"], rows: Array(table(nil).rows.prefix(2_100)))
        #expect([shrunk, small].payload(reusing: base).text == [shrunk, small].payload(reusing: nil).text)
    }
}
