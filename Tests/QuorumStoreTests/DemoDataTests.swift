import QuorumTestSupport
import Testing

@testable import QuorumStore

/// The built-in dataset against the source documents in ../shared/seeds.
@Suite(.testDatabases) struct DemoDataTests {
    func figure(_ c: Connection, _ body: String, _ session: Int, _ measure: String) throws -> String {
        try c.query(
            """
            SELECT f.value || ' ' || f.qualifier || ' ' || f.scope || ' ' || s.key
            FROM quorum.figure f JOIN quorum.event e ON e.id = f.event_id JOIN quorum.body b ON b.id = e.body_id
            JOIN quorum.source s ON s.id = f.source_id
            WHERE b.code = \(body) AND e.session = \(session) AND f.measure = \(measure)
            """)[0].require(String.self, at: 0)
    }

    @Test func sessionFiguresMatchTheDocuments() throws {
        let c = try TestDatabase.seeded()
        let expected: [(String, Int, String, String)] = [
            ("business-council", 4, "participants", "116 exact all"),
            ("business-council", 4, "member_states", "19 exact member_states"),
            ("business-council", 5, "participants", "150 exact all"),
            ("business-council", 5, "member_states", "15 exact member_states"),
            ("business-council", 6, "participants", "140 exact all"),
            ("business-council", 6, "member_states", "20 exact member_states"),
            ("business-council", 7, "participants", "140 at_least all"),  // "more than 140"
            ("business-council", 7, "member_states", "28 exact member_states"),
            ("youth-council", 4, "participants", "50 exact all"),
            ("youth-council", 4, "member_states", "21 exact member_states"),
            ("youth-council", 5, "participants", "39 exact all"),
            ("youth-council", 5, "member_states", "18 exact member_states"),
            ("youth-council", 6, "participants", "100 exact all"),
            ("youth-council", 6, "member_states", "18 exact member_states_and_observers"),
            ("youth-council", 7, "participants", "31 exact all"),
            ("youth-council", 7, "member_states", "18 exact member_states"),
            ("think-tank-forum", 9, "participants", "60 exact all"),
            ("think-tank-forum", 9, "member_states", "14 exact member_states"),
            ("think-tank-forum", 10, "participants", "42 exact all"),
            ("think-tank-forum", 10, "member_states", "12 exact member_states_and_organisations"),
            ("think-tank-forum", 11, "participants", "50 exact all"),
            ("think-tank-forum", 11, "member_states", "10 exact member_states_and_observers"),
            ("think-tank-forum", 12, "participants", "65 exact all"),
            ("think-tank-forum", 12, "member_states", "18 exact member_states_and_organisations"),
        ]
        for (body, session, measure, value) in expected {
            #expect(try figure(c, body, session, measure) == value + " cica-2020-2024", "\(body) \(session) \(measure)")
        }
        let formats = try c.query(
            """
            SELECT string_agg(e.format::text, ',' ORDER BY e.start_date) FROM quorum.event e
            JOIN quorum.body b ON b.id = e.body_id WHERE b.code = 'think-tank-forum'
            """)[0].require(String.self, at: 0)
        #expect(formats == "online,hybrid,hybrid,in_person")
    }

    @Test func totalsMilestonesAndTheSCOSummit() throws {
        let c = try TestDatabase.seeded()
        func total(_ measure: String) throws -> String {
            try c.query(
                """
                SELECT value || ' ' || coalesce(period_from::text, '') || ' ' || coalesce(period_to::text, '')
                FROM quorum.total WHERE measure = \(measure)
                """)[0].require(String.self, at: 0)
        }
        #expect(try total("events") == "160 2020-10-01 2024-10-01")
        #expect(try total("cbm_events") == "83 2020-10-01 2024-10-01")
        #expect(try total("ratifications").hasPrefix("11 "))
        #expect(try total("ratifications_still_required").hasPrefix("3 "))
        #expect(
            try c.query("SELECT count(*) FROM quorum.milestone WHERE kind = 'concept_paper_renewed'")[0]
                .require(Int.self, at: 0) == 11)
        #expect(
            try c.query("SELECT count(*) FROM quorum.milestone WHERE kind = 'ratification'")[0]
                .require(Int.self, at: 0) == 11)
        #expect(try c.query("SELECT count(*) FROM quorum.priority_area")[0].require(Int.self, at: 0) == 18)
        #expect(try figure(c, "council-of-heads-of-state", 24, "member_states") == "10 exact member_states sco-summit-2024-commentary")
        let members = try c.query(
            """
            SELECT string_agg(a.country_code, ',' ORDER BY a.country_code) FROM quorum.attendee a
            JOIN quorum.event e ON e.id = a.event_id WHERE e.session = 24 AND a.role = 'member'
            """)[0].require(String.self, at: 0)
        #expect(members == "BLR,CHN,IND,IRN,KAZ,KGZ,PAK,RUS,TJK,UZB")
        #expect(try c.query("SELECT name FROM quorum.country WHERE code = 'TUR'")[0].require(String.self, at: 0) == "Türkiye")
    }

    @Test func everyFigureHasASourceAndALocator() throws {
        let c = try TestDatabase.seeded()
        #expect(
            try c.query(
                """
                SELECT count(*) FROM quorum.figure WHERE locator = '' OR source_id IS NULL
                """)[0].require(Int.self, at: 0) == 0)
        #expect(try c.query("SELECT count(*) FROM quorum.figure")[0].require(Int.self, at: 0) > 24)
    }
}
