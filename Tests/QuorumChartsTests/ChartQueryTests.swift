import Foundation
import QuorumAggregates
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumCharts

/// A chart with its own SQL, from the file to the image: the aggregation run
/// computes it, the renderer draws it; a bad query or column is reported with
/// the file and the key.
@Suite(.testDatabases) struct SQLChartTests {
    func spec(_ sql: String, value: String = "sessions") throws -> ChartSpec {
        try ChartSpec.parse(
            """
            title = "Sessions per year"
            kind = "bars"
            sql = \"\"\"
            \(sql)
            \"\"\"
            x = "year"
            value = "\(value)"
            """, file: "Charts/sessions-per-year.toml")
    }

    func snapshot(for specs: [ChartSpec]) throws -> Snapshot {
        let queries = ChartSet(specs: specs, errors: []).queries.map { AggregateDefinition.chartQuery(name: $0.name, sql: $0.sql) }
        return try Aggregator(queries: queries).run(try TestDatabase.seeded())
    }

    @Test func aChartDrawsItsOwnQuery() throws {
        let chart = try spec(
            """
            SELECT extract(year FROM start_date)::int AS year, count(*) AS sessions
            FROM quorum.event GROUP BY 1 ORDER BY 1
            """)
        let snapshot = try snapshot(for: [chart])
        #expect(
            snapshot.answers([
                AggregateDefinition.chartQuery(name: chart.name, sql: try #require(ChartSet(specs: [chart], errors: []).queries.first?.sql))
            ]))
        let rendered = try RenderedChart.render(chart, snapshot: snapshot)
        #expect(rendered.images[ChartImage(dark: false, narrow: false, scale: 1)]?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        // The demo data: one event in each of 1999, 2002 and 2019, 4 in 2021, 6 in 2022, 6 in 2023, 9 in 2024.
        let points = rendered.data.series.flatMap(\.points).map { $0?.value }
        #expect(points == [1, 1, 1, 4, 6, 6, 9])
    }

    @Test func aFailingQueryOrAMissingColumnNamesTheFileAndKey() throws {
        let failing = try spec("SELECT year FROM quorum.nosuchtable")
        let snapshot = try snapshot(for: [failing])
        #expect(throws: ChartError.self) { try RenderedChart.render(failing, snapshot: snapshot) }
        do { _ = try RenderedChart.render(failing, snapshot: snapshot) } catch {
            #expect(error.file == "Charts/sessions-per-year.toml")
            #expect(error.key == "sql")
            #expect(error.message.contains("nosuchtable"))
        }
        let wrongColumn = try spec("SELECT 2024 AS year, 3 AS events", value: "sessions")
        let answered = try self.snapshot(for: [wrongColumn])
        do {
            _ = try RenderedChart.render(wrongColumn, snapshot: answered)
            Issue.record("a missing column must be an error")
        } catch {
            #expect(error.key == "value")
            #expect(error.message.contains("events"))
        }
    }
}
