import Foundation
import Hummingbird
import HummingbirdTesting
import QuorumAggregates
import QuorumModel
import QuorumTestSupport
import Testing

@testable import QuorumServer

/// The aggregates API, served from the snapshot in memory.
@Suite(.testDatabases) struct AggregatesAPITests {
    static let fixture = Result { try TestDatabase.sharedByTheRun { try ServerFixture() } }

    @Test func listsEveryAggregateWithItsDescriptionAndTheSnapshot() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/aggregates", method: .get)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect((json["snapshot"] as? [String: Any])?["id"] as? Int == Int(fixture.snapshot.id))
            let aggregates = try #require(json["aggregates"] as? [[String: Any]])
            #expect(aggregates.map { $0["name"] as? String } == fixture.snapshot.tables.map(\.name))
            #expect(aggregates.allSatisfy { !(($0["description"] as? String) ?? "").isEmpty })
        }
    }

    @Test func servesRowsAsJSONWithQualifiersAndCacheHeaders() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/aggregates/body_year", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.headers[.eTag] == "\"s\(fixture.snapshot.id)-body_year.json\"")
            #expect(response.headers[.lastModified]?.hasSuffix(" GMT") == true)
            #expect(response.headers[.cacheControl] != nil)
            let rows = try #require(try response.json()["rows"] as? [[String: Any]])
            #expect(rows.count == fixture.snapshot["body_year"]?.rows.count)
            let forum2024 = try #require(rows.first { $0["body"] as? String == "business-council" && $0["year"] as? Int == 2024 })
            #expect(forum2024["participants"] as? Int == 140)
            #expect(forum2024["participants_qualifier"] as? String == "at_least")
            #expect(forum2024["sources"] as? String == "cica-2020-2024")
        }
    }

    @Test func answersIfNoneMatchWith304() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            let first = try await client.execute(uri: "/api/v1/aggregates/format_mix", method: .get)
            let etag = try #require(first.headers[.eTag])
            let again = try await client.execute(uri: "/api/v1/aggregates/format_mix", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == etag)
            let weak = try await client.execute(
                uri: "/api/v1/aggregates/format_mix", method: .get,
                headers: [.ifNoneMatch: "\"other\", W/\(etag)"])
            #expect(weak.status == .notModified)
            let stale = try await client.execute(
                uri: "/api/v1/aggregates/format_mix", method: .get,
                headers: [.ifNoneMatch: "\"s0-format_mix.json\""])
            #expect(stale.status == .ok)
            let list = try await client.execute(uri: "/api/v1/aggregates", method: .get)
            let listAgain = try await client.execute(
                uri: "/api/v1/aggregates", method: .get,
                headers: [.ifNoneMatch: try #require(list.headers[.eTag])])
            #expect(listAgain.status == .notModified)
        }
    }

    @Test func servesCSVBySuffixAndByAccept() async throws {
        let fixture = try Self.fixture.get()
        let table = try #require(fixture.snapshot["body_year"])
        try await fixture.application().test(.router) { client in
            let bySuffix = try await client.execute(uri: "/api/v1/aggregates/body_year.csv", method: .get)
            let byAccept = try await client.execute(
                uri: "/api/v1/aggregates/body_year", method: .get,
                headers: [.accept: "text/csv"])
            for response in [bySuffix, byAccept] {
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(response.headers[.eTag]?.contains(".csv") == true)
            }
            #expect(bySuffix.text == byAccept.text)
            var reader = CSVReader(bytes: Array(bySuffix.body.readableBytesView))
            #expect(try reader.next()?.fields == table.columns)
            var rows = 0
            while let record = try reader.next() {
                #expect(record.fields.count == table.columns.count)
                rows += 1
            }
            #expect(rows == table.rows.count)
            let json = try await client.execute(
                uri: "/api/v1/aggregates/body_year", method: .get,
                headers: [.accept: "text/csv;q=0.5, application/json"])
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test func csvDefusesSpreadsheetFormulas() throws {
        let table = AggregateTable(
            name: "t", description: "", columns: ["name", "value"],
            rows: [[.text("=HYPERLINK(\"http://x\")"), .integer(1)], [.text("-2+3"), .null]])
        let csv = AggregateCatalog.csv(table, rows: table.rows)
        #expect(csv.contains("'=HYPERLINK"))
        #expect(csv.contains("'-2+3"))
        #expect(!csv.contains("\n=") && !csv.contains("\n-"))
    }

    @Test func filtersByOrganisationBodyAndYears() async throws {
        let fixture = try Self.fixture.get()
        let table = try #require(fixture.snapshot["body_year"])
        let expected = table.records.filter {
            $0["body"]?.description == "business-council" && ($0["year"]?.integer).map { (2022...2023).contains($0) } == true
        }
        #expect(!expected.isEmpty)
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/aggregates/body_year?organisation=CICA&body=business-council&from=2022&to=2023", method: .get)
            #expect(response.status == .ok)
            let rows = try #require(try response.json()["rows"] as? [[String: Any]])
            #expect(rows.count == expected.count)
            #expect(rows.allSatisfy { $0["body"] as? String == "business-council" })
            #expect(rows.compactMap { $0["year"] as? Int }.sorted() == expected.compactMap { $0["year"]?.integer }.map(Int.init).sorted())
            // A filtered representation has an ETag of its own.
            #expect(response.headers[.eTag] != "\"s\(fixture.snapshot.id)-body_year.json\"")

            let csv = try await client.execute(uri: "/api/v1/aggregates/body_year.csv?from=2024&to=2024", method: .get)
            #expect(csv.text.split(separator: "\r\n").count == 1 + table.records.filter { $0["year"]?.integer == 2024 }.count)
        }
    }

    @Test func refusesUnknownFiltersByName() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            let unknown = try await client.execute(uri: "/api/v1/aggregates/body_year?colour=red", method: .get)
            #expect(unknown.status == .badRequest)
            let issues = try #require(try unknown.json()["issues"] as? [[String: Any]])
            #expect(issues.first?["path"] as? String == "colour")

            let missingColumn = try await client.execute(uri: "/api/v1/aggregates/period_totals?from=2020", method: .get)
            #expect(missingColumn.status == .badRequest)
            #expect(missingColumn.text.contains("no column year"))

            let badYear = try await client.execute(uri: "/api/v1/aggregates/body_year?from=last", method: .get)
            #expect(badYear.status == .badRequest)
            #expect(badYear.text.contains("\"from\""))

            let missing = try await client.execute(uri: "/api/v1/aggregates/no_such", method: .get)
            #expect(missing.status == .notFound)
            #expect(try missing.json()["error"] as? String != nil)
        }
    }

    @Test func answers503BeforeTheFirstSnapshotAndServesTheNextOneWhenItArrives() async throws {
        let fixture = try Self.fixture.get()
        let cache = SnapshotCache()
        try await fixture.application(cache: cache).test(.router) { client in
            let before = try await client.execute(uri: "/api/v1/aggregates/body_year", method: .get)
            #expect(before.status == .serviceUnavailable)
            cache.offer(fixture.snapshot)
            let after = try await client.execute(uri: "/api/v1/aggregates/body_year", method: .get)
            #expect(after.status == .ok)
            let latest = try await client.execute(uri: "/api/v1/snapshots/latest", method: .get)
            #expect((try latest.json()["snapshot"] as? [String: Any])?["dataVersion"] as? Int == Int(fixture.snapshot.dataVersion))
        }
    }
}
