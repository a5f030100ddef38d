import Foundation
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumAggregates

@Suite(.testDatabases) struct AggregatorTests {
    func row(_ snapshot: Snapshot, _ table: String, where matches: [String: String]) -> [String: Value]? {
        snapshot[table]?.records.first { record in matches.allSatisfy { record[$0.key]?.description == $0.value } }
    }

    @Test func businessForumSessionsMatchTheDocuments() throws {
        let snapshot = try Aggregator().run(try TestDatabase.seeded())
        let expected: [(String, String, String, String, String)] = [
            // year, participants, qualifier, member states, share of 27 or 28 members
            ("2021", "116", "exact", "19", "0.704"),
            ("2022", "150", "exact", "15", "0.536"),
            ("2023", "140", "exact", "20", "0.714"),
            ("2024", "140", "at_least", "28", "1"),
        ]
        for (year, participants, qualifier, states, share) in expected {
            let r = try #require(row(snapshot, "body_year", where: ["body": "business-council", "year": year]))
            #expect(r["participants"]?.description == participants, "\(year)")
            #expect(r["participants_qualifier"]?.description == qualifier, "\(year)")
            #expect(r["member_states"]?.description == states, "\(year)")
            #expect(r["member_states_basis"]?.description == "reported")
            #expect(r["member_share"]?.description == share, "\(year)")
            #expect(r["sources"]?.description == "cica-2020-2024")
        }
        // A figure "for Member States and observers" is not a share of the members.
        let youth2023 = try #require(row(snapshot, "body_year", where: ["body": "youth-council", "year": "2023"]))
        #expect(youth2023["member_states_scope"]?.description == "member_states_and_observers")
        #expect(youth2023["member_share"] == .null)
        // The SCO summit names its member states: a union.
        let summit = try #require(row(snapshot, "body_year", where: ["organisation": "SCO", "year": "2024"]))
        #expect(summit["member_states"]?.description == "10")
        #expect(summit["member_states_basis"]?.description == "union of named states")
        #expect(summit["member_share"]?.description == "1")
    }

    @Test func qualifiersPropagateAndMemberStatesAreAUnionNotASum() throws {
        let c = try TestDatabase.seeded()
        // Two more Youth Council sessions in 2030: one names its states, one only counts them.
        let csv =
            CSVWriter.line(FigureRecord.Column.allCases.filter { ![.titleRu, .titleZh].contains($0) }.map(\.rawValue))
            + CSVWriter.line([
                "CICA", "youth-council", "20", "20th", "2030-03", "", "", "", "", "", "", "participants", "30", "exact", "all", "cica-2020-2024",
                "test", "", "", "", "", "",
            ])
            + CSVWriter.line([
                "CICA", "youth-council", "21", "21st", "2030-09", "", "", "", "", "", "", "participants", "40", "at_least", "all", "cica-2020-2024",
                "test", "", "", "", "", "",
            ])
            + CSVWriter.line([
                "CICA", "youth-council", "20", "20th", "2030-03", "", "", "", "", "", "", "member_states", "12", "exact", "member_states",
                "cica-2020-2024", "test", "", "", "", "", "",
            ])
            + CSVWriter.line([
                "CICA", "youth-council", "21", "21st", "2030-09", "", "", "", "", "", "", "member_states", "9", "exact", "member_states",
                "cica-2020-2024", "test", "", "", "", "", "",
            ])
        _ = try FigureImporter(c).run(FigureLines(bytes: Array(csv.utf8)), file: "t.csv")
        let snapshot = try Aggregator().run(c)
        let r = try #require(row(snapshot, "body_year", where: ["body": "youth-council", "year": "2030"]))
        #expect(r["sessions"]?.description == "2")
        #expect(r["participants"]?.description == "70")
        #expect(r["participants_qualifier"]?.description == "at_least")
        #expect(r["participants_mean"]?.description == "35")
        #expect(r["participants_median"]?.description == "35")
        #expect(r["member_states"]?.description == "12")  // not 21: the largest count, a lower bound
        #expect(r["member_states_qualifier"]?.description == "at_least")
        #expect(r["member_states_basis"]?.description == "largest count (lower bound)")

        // Once both sessions name their states, the union is exact.
        let events = try c.query(
            """
            SELECT e.id FROM quorum.event e JOIN quorum.body b ON b.id = e.body_id
            WHERE b.code = 'youth-council' AND e.session IN (20, 21) ORDER BY e.session
            """
        ).map { try $0.require(Int64.self, at: 0) }
        for (event, states) in zip(events, [["KAZ", "CHN", "IND"], ["KAZ", "TUR"]]) {
            for state in states {
                try c.execute(
                    """
                    INSERT INTO quorum.attendee (event_id, country_code, role, source_id, locator)
                    SELECT \(event), \(state), 'member', id, 'test' FROM quorum.source WHERE key = 'cica-2020-2024'
                    """)
            }
        }
        let union = try #require(row(try Aggregator().run(c), "body_year", where: ["body": "youth-council", "year": "2030"]))
        #expect(union["member_states"]?.description == "4")
        #expect(union["member_states_qualifier"]?.description == "exact")
    }

    @Test func yearOverYearAndTotals() throws {
        let snapshot = try Aggregator().run(try TestDatabase.seeded())
        let change = try #require(row(snapshot, "year_over_year", where: ["body": "business-council", "year": "2024"]))
        #expect(change["change"]?.description == "0")
        #expect(change["change_qualifier"]?.description == "at_least")  // ≥140 against 140
        let totals = try #require(row(snapshot, "period_totals", where: ["measure": "cbm_events"]))
        #expect(totals["value"]?.description == "83")
        #expect(totals["period_from"]?.description == "2020-10")
        #expect(totals["period_to"]?.description == "2024-10")
        let mix = try #require(row(snapshot, "format_mix", where: ["organisation": "CICA", "year": "2021"]))
        #expect(mix["online"]?.description == "3")
    }

    /// The coverage of each reported period total: the held events of the period,
    /// counted as the definition reads — every event of the organisation whose
    /// (partial) date lies wholly within the period — without the index it runs by.
    @Test func coverageCountsTheHeldEventsWhollyWithinEachPeriod() throws {
        let c = try TestDatabase.seeded()
        // A session dated only by its year, 2024, ends after "October 2024": outside.
        // One dated October 2024 is within.
        let csv =
            CSVWriter.line(FigureRecord.Column.allCases.filter { ![.titleRu, .titleZh].contains($0) }.map(\.rawValue))
            + CSVWriter.line([
                "CICA", "youth-council", "30", "30th", "2024", "", "", "", "", "", "", "participants", "10", "exact", "all", "cica-2020-2024", "test",
                "", "", "", "", "",
            ])
            + CSVWriter.line([
                "CICA", "youth-council", "31", "31st", "2024-10", "", "", "", "", "", "", "participants", "10", "exact", "all", "cica-2020-2024",
                "test", "", "", "", "", "",
            ])
        _ = try FigureImporter(c).run(FigureLines(bytes: Array(csv.utf8)), file: "t.csv")
        let snapshot = try Aggregator().run(c)
        let rows = try #require(snapshot["coverage"]?.records)
        #expect(!rows.isEmpty)
        let expected = try c.query(
            """
            SELECT t.measure, t.period_from::text,
                   (SELECT count(*) FROM quorum.event e JOIN quorum.body b ON b.id = e.body_id
                    WHERE b.organisation_id = t.organisation_id AND e.status = 'held'
                      AND (t.measure = 'events' OR e.dimension_code IS NOT NULL)
                      AND e.start_date >= t.period_from
                      AND e.start_date + CASE e.date_precision WHEN 'day' THEN interval '1 day'
                                              WHEN 'month' THEN interval '1 month' ELSE interval '1 year' END
                          <= t.period_to + CASE t.to_precision WHEN 'day' THEN interval '1 day'
                                              WHEN 'month' THEN interval '1 month' ELSE interval '1 year' END)
            FROM quorum.total t
            WHERE t.measure IN ('events', 'cbm_events') AND t.period_from IS NOT NULL AND t.period_to IS NOT NULL
            """)
        #expect(expected.count == rows.count)
        for total in expected {
            let measure: String = try total.require(at: 0), count: Int = try total.require(at: 2)
            let row = try #require(rows.first { $0["measure"]?.description == measure })
            #expect(row["in_dataset"]?.description == String(count), "\(measure)")
        }
    }

    @Test func snapshotsAreStoredVersionedAndPruned() throws {
        let c = try TestDatabase.seeded()
        let aggregator = Aggregator(retention: 2)
        let first = try aggregator.run(c)
        #expect(try Aggregator.latest(c) == first)
        #expect(first.dataVersion == (try Aggregator.dataVersion(c)))
        _ = try aggregator.run(c)
        let third = try aggregator.run(c)
        #expect(try c.query("SELECT count(*) FROM quorum.snapshot")[0].require(Int.self, at: 0) == 2)
        #expect(try Aggregator.latest(c)?.id == third.id)
    }

    @Test func aFailedRunNeverReplacesAGoodSnapshot() throws {
        let c = try TestDatabase.seeded()
        let good = try Aggregator().run(c)
        let broken = AggregateDefinition(name: "broken", description: "", sql: "SELECT 1 / 0 AS x")
        #expect(throws: PQError.self) { try Aggregator(definitions: AggregateDefinition.builtIn + [broken]).run(c) }
        #expect(try Aggregator.latest(c)?.id == good.id)
        #expect(try c.query("SELECT status FROM quorum.snapshot ORDER BY id DESC LIMIT 1")[0].require(String.self, at: 0) == "failed")
    }

    @Test func theDataVersionMovesOnlyWhenDataChanges() throws {
        let c = try TestDatabase.seeded()
        let before = try Aggregator.dataVersion(c)
        _ = try DatasetImporter(c).run(try DemoData.dataset(), file: "again")  // nothing changes
        #expect(try Aggregator.dataVersion(c) == before)
        try c.execute("UPDATE quorum.figure SET value = value + 1 WHERE measure = 'participants' AND value = 116")
        #expect(try Aggregator.dataVersion(c) == before + 1)
    }
}

@Suite(.testDatabases) struct RestartDuringARunTests {
    @Test func thePreviousSnapshotSurvivesAndTheNextRunSucceeds() async throws {
        try await withPrivateCluster { cluster in
            let c = try Connection(conninfo: cluster.conninfo)
            try Migrator().migrate(c)
            _ = try DatasetImporter(c).run(try DemoData.dataset(), file: "demo")
            let good = try Aggregator().run(c)

            // A run that takes a while (on the tests' own threads); the server stops in the middle of it.
            let slow = AggregateDefinition(name: "slow", description: "", sql: "SELECT 1 AS x FROM pg_sleep(60)")
            let conninfo = cluster.conninfo
            let run = Task {
                try await offPool { try Aggregator(definitions: AggregateDefinition.builtIn + [slow]).run(try Connection(conninfo: conninfo)) }
            }
            try await Task.sleep(for: .seconds(1))
            try await cluster.stop()
            await #expect(throws: PQError.self) { try await run.value }
            _ = try await cluster.start()

            let after = try Connection(conninfo: cluster.conninfo)
            #expect(try Aggregator.latest(after) == good)
            let next = try Aggregator().run(after)
            #expect(next.id > good.id)
            #expect(try Aggregator.latest(after)?.id == next.id)
        }
    }
}
