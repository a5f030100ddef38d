import Foundation
import Hummingbird
import HummingbirdTesting
import QuorumTestSupport
import Testing

/// Events and sources from PostgreSQL, and ingest through POST.
@Suite(.testDatabases) struct EventsAPITests {
    @Test func pagesThroughEventsByCursorAndByPage() async throws {
        let fixture = try ServerFixture()
        let total = Int(try #require(try fixture.scalar("SELECT count(*)::text FROM quorum.event")))!
        try await fixture.application().test(.router) { client in
            var seen: [Int] = []
            var cursor: String? = nil
            repeat {
                let uri = "/api/v1/events?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.execute(uri: uri, method: .get)
                #expect(page.status == .ok)
                let json = try page.json()
                let events = try #require(json["events"] as? [[String: Any]])
                #expect(events.count <= 7)
                seen += events.compactMap { $0["id"] as? Int }
                cursor = json["nextCursor"] as? String
            } while cursor != nil
            #expect(seen.count == total)
            #expect(seen == seen.sorted() && Set(seen).count == total)

            let second = try await client.execute(uri: "/api/v1/events?limit=7&page=2", method: .get)
            #expect((try second.json()["events"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == Array(seen[7..<14]))
        }
    }

    @Test func filtersEventsAndRefusesUnknownParameters() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let filtered = try await client.execute(
                uri: "/api/v1/events?organisation=CICA&body=business-council&from=2022&to=2023&limit=1000", method: .get)
            let events = try #require(try filtered.json()["events"] as? [[String: Any]])
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0["body"] as? String == "business-council" })
            #expect(events.allSatisfy { (($0["date"] as? String) ?? "").hasPrefix("2022") || (($0["date"] as? String) ?? "").hasPrefix("2023") })
            let figures = try #require(events.first?["figures"] as? [[String: Any]])
            #expect(figures.allSatisfy { $0["qualifier"] != nil && $0["source"] as? String != nil })

            let bad = try await client.execute(uri: "/api/v1/events?limit=0&sort=title", method: .get)
            #expect(bad.status == .badRequest)
            let paths = (try bad.json()["issues"] as? [[String: Any]])?.compactMap { $0["path"] as? String }.sorted()
            #expect(paths == ["limit", "sort"])
        }
    }

    @Test func figuresCarryTheirProvenance() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/figures?organisation=CICA&body=youth-council&limit=1000", method: .get)
            #expect(response.status == .ok)
            let figures = try #require(try response.json()["figures"] as? [[String: Any]])
            #expect(figures.allSatisfy { ($0["locator"] as? String)?.contains("“") == true && $0["sourceTitle"] as? String != nil })
            // Counted from the organisations the annex names at the 5th session: derived, and says how.
            let counted = try #require(figures.first { $0["measure"] as? String == "organisations" })
            #expect(counted["basis"] as? String == "derived")
            #expect((counted["derivation"] as? String)?.isEmpty == false)
            #expect(figures.contains { $0["basis"] as? String == "stated" && $0["value"] as? Int == 39 })

            let events = try await client.execute(uri: "/api/v1/events?organisation=CICA&body=ministerial-council&limit=1000", method: .get)
            let listed = try #require(try events.json()["events"] as? [[String: Any]])
            #expect(listed.contains { $0["status"] as? String == "announced" && $0["session"] as? Int == 7 })
            #expect(listed.allSatisfy { $0["source"] as? String != nil && $0["locator"] as? String != nil })
        }
    }

    @Test func everyCodeComesWithItsNamesInEachLanguageAndTheLabelsInTheAskedOne() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let chinese = try await client.execute(uri: "/api/v1/events?organisation=SCO&lang=zh", method: .get)
            #expect(chinese.status == .ok)
            #expect(chinese.headers[.contentLanguage] == "zh")
            let json = try chinese.json()
            #expect(json["language"] as? String == "zh")
            let event = try #require((json["events"] as? [[String: Any]])?.first)
            let names = try #require(event["names"] as? [String: Any])
            let organisation = try #require(names["organisation"] as? [String: String])
            #expect(organisation == ["en": "Shanghai Cooperation Organization", "ru": "Шанхайская организация сотрудничества", "zh": "上海合作组织"])
            let labels = try #require(event["labels"] as? [String: Any])
            #expect(labels["organisation"] as? String == "上海合作组织")
            // A body without a Chinese name in the data: its English one, in names and labels alike.
            let body = try #require(names["body"] as? [String: String])
            #expect(body.keys.sorted() == ["en"])
            #expect(labels["body"] as? String == body["en"])
            #expect(event["organisation"] as? String == "SCO", "the code stays as it is")

            // Accept-Language when there is no lang; country names from CLDR.
            let russian = try await client.execute(
                uri: "/api/v1/events?organisation=CICA&limit=1000", method: .get, headers: [.acceptLanguage: "ru-RU,ru;q=0.9,en;q=0.5"])
            #expect(russian.headers[.contentLanguage] == "ru")
            let events = try #require(try russian.json()["events"] as? [[String: Any]])
            let inKazakhstan = try #require(events.first { $0["country"] as? String == "KAZ" })
            let country = try #require((inKazakhstan["names"] as? [String: Any])?["country"] as? [String: String])
            #expect(country["ru"] == "Казахстан" && country["zh"] == "哈萨克斯坦" && country["en"] == "Kazakhstan")
            #expect((inKazakhstan["labels"] as? [String: Any])?["country"] as? String == "Казахстан")

            let figures = try await client.execute(uri: "/api/v1/figures?organisation=SCO&lang=ru", method: .get)
            let row = try #require((try figures.json()["figures"] as? [[String: Any]])?.first)
            #expect((row["labels"] as? [String: Any])?["organisation"] as? String == "Шанхайская организация сотрудничества")

            let bad = try await client.execute(uri: "/api/v1/events?lang=fr", method: .get)
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("lang"))
        }
    }

    /// An aggregate's JSON: each column's heading, and each code's names, in every language.
    @Test func anAggregateCarriesItsHeadingsAndTheNamesOfItsCodes() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/aggregates/body_year", method: .get)
            #expect(response.status == .ok)
            let json = try response.json()
            let headings = try #require(json["headings"] as? [String: [String: String]])
            #expect(headings["participants"] == ["en": "Participants", "ru": "Участники", "zh": "参会人数"])
            #expect(Set(headings.keys) == Set(try #require(json["columns"] as? [String])))
            let names = try #require(json["names"] as? [String: [String: [String: String]]])
            #expect(
                names["organisation"]?["SCO"] == [
                    "en": "Shanghai Cooperation Organization", "ru": "Шанхайская организация сотрудничества", "zh": "上海合作组织",
                ])
            #expect(names["member_states_scope"]?["member_states"] == ["en": "Member States", "ru": "государства-члены", "zh": "成员国"])
            // Every body a row names has its names, under organisation/body.
            let bodies = try #require(names["body"])
            let rows = try #require(json["rows"] as? [[String: Any]])
            for row in rows {
                let key = "\(row["organisation"] as? String ?? "")/\(row["body"] as? String ?? "")"
                #expect(bodies[key]?["en"] == row["body_name"] as? String, "\(key)")
            }
            // A filter names only the codes its rows hold.
            let filtered = try await client.execute(uri: "/api/v1/aggregates/body_year?organisation=SCO", method: .get)
            let kept = try #require(try filtered.json()["names"] as? [String: [String: [String: String]]])
            #expect(kept["organisation"]?.keys.sorted() == ["SCO"])
        }
    }

    @Test func listsSources() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/sources", method: .get)
            let sources = try #require(try response.json()["sources"] as? [[String: Any]])
            #expect(sources.contains { $0["key"] as? String == "cica-2020-2024" && $0["title"] as? String != nil })
        }
    }

    @Test func postedEventsShowUpInGetAndAgainChangeNothing() async throws {
        let fixture = try ServerFixture()
        let token = try fixture.token("ingest")
        let events = "[\(eventJSON(title: "Spring Forum 2025")), \(eventJSON(title: "Autumn Forum 2025", date: "2025-10"))]"
        try await fixture.application().test(.router) { client in
            let created = try await client.execute(uri: "/api/v1/events", method: .post, headers: bearer(token), body: body(events))
            #expect(created.status == .created)
            let counts = try created.json()
            #expect(counts["created"] as? Int == 2)
            #expect(counts["unchanged"] as? Int == 0)
            #expect(((counts["records"] as? [String: Any])?["figures"] as? [String: Int])?["created"] == 2)

            let again = try await client.execute(uri: "/api/v1/events", method: .post, headers: bearer(token), body: body(events))
            #expect(again.status == .ok)
            #expect(try again.json()["unchanged"] as? Int == 2)

            let changed = try await client.execute(
                uri: "/api/v1/events", method: .post, headers: bearer(token),
                body: body(eventJSON(title: "Spring Forum 2025", participants: 50)))
            #expect(try changed.json()["unchanged"] as? Int == 1)  // the event; its figure was updated
            #expect(
                try fixture.scalar(
                    "SELECT f.value::text FROM quorum.figure f JOIN quorum.event e ON e.id = f.event_id WHERE e.title = 'Spring Forum 2025'") == "50")

            let listed = try await client.execute(uri: "/api/v1/events?from=2025&limit=1000", method: .get)
            let titles = (try listed.json()["events"] as? [[String: Any]])?.compactMap { $0["title"] as? String }
            #expect(titles?.contains("Spring Forum 2025") == true && titles?.contains("Autumn Forum 2025") == true)
        }
    }

    @Test func aBatchWithOneInvalidEventWritesNothing() async throws {
        let fixture = try ServerFixture()
        let token = try fixture.token("ingest")
        let before = try fixture.scalar("SELECT count(*)::text FROM quorum.event")
        let version = try fixture.scalar("SELECT version::text FROM quorum.data_version")
        // The second event names a body the database does not know: only the database can tell.
        let unknownBody = eventJSON(title: "Ghost Forum").replacingOccurrences(of: "business-council", with: "no-such-body")
        let events = "[\(eventJSON(title: "Good Forum")), \(unknownBody)]"
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/events", method: .post, headers: bearer(token), body: body(events))
            #expect(response.status == .badRequest)
            let issues = try #require(try response.json()["issues"] as? [[String: Any]])
            #expect(issues.map { $0["path"] as? String } == ["$[1].body"])
        }
        #expect(try fixture.scalar("SELECT count(*)::text FROM quorum.event") == before)
        #expect(try fixture.scalar("SELECT count(*)::text FROM quorum.event WHERE title = 'Good Forum'") == "0")
        #expect(try fixture.scalar("SELECT version::text FROM quorum.data_version") == version)
    }

    @Test func badJSONIsA400NamingEachBadField() async throws {
        let fixture = try ServerFixture(seeded: false)
        let token = try fixture.token("ingest")
        try await fixture.application().test(.router) { client in
            func issues(_ text: String) async throws -> [String] {
                let response = try await client.execute(uri: "/api/v1/events", method: .post, headers: bearer(token), body: body(text))
                #expect(response.status == .badRequest)
                #expect(!response.text.contains("SELECT") && !response.text.contains("INSERT"))
                return (try response.json()["issues"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
            }
            do {
                let found = try await issues("{not json")
                #expect(found == ["$"])
            }
            do {
                let found = try await issues("")
                #expect(found == ["$"])
            }
            do {
                let found = try await issues(#"{"organisation": "CICA", "body": "x", "date": "2025"}"#)
                #expect(found == ["$.title"])
            }
            do {
                // An event without the document that reports it is refused.
                let found = try await issues(#"{"organisation": "CICA", "body": "x", "title": "T", "date": "2025"}"#)
                #expect(found == ["$.source"])
            }
            do {
                let found = try await issues("[\(eventJSON(title: "A")), {\"organisation\": 3}]")
                #expect(found == ["$[1].organisation"])
            }
            do {
                let found = try await issues(eventJSON(title: "A", date: "2025-13"))
                #expect(found == ["$.date"])
            }
            do {
                let found = try await issues("[\(eventJSON(title: "  "))]")
                #expect(found == ["$[0].title"])
            }
        }
    }
}
