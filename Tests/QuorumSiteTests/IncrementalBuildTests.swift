import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumSite

/// A new snapshot redraws only the charts whose figures it changed, and the site
/// it makes is, byte for byte, the one a full build of that snapshot makes.
@Suite(.testDatabases) struct IncrementalBuildTests {
    @Test func aChangedFigureRedrawsExactlyTheChartsThatShowIt() throws {
        let c = try TestDatabase.seeded()
        defer { c.finish() }
        let charts = ChartSet.builtIn()
        let before = try Aggregator().run(c)
        // One participant more at one session of the Youth Council.
        #expect(
            try c.execute(
                """
                UPDATE quorum.figure SET value = value + 1 WHERE (event_id, measure) = (
                    SELECT f.event_id, f.measure FROM quorum.figure f JOIN quorum.event e ON e.id = f.event_id
                    JOIN quorum.body b ON b.id = e.body_id
                    WHERE b.code = 'youth-council' AND f.measure = 'participants' ORDER BY e.start_date LIMIT 1)
                """) == 1)
        let after = try Aggregator().run(c, base: before)
        let at = Date(timeIntervalSince1970: 1_800_000_000)

        let first = try SiteBuilder.build(snapshot: before, charts: charts, renderedAt: at)
        // Every chart in every language.
        #expect(first.chartCount == charts.specs.count && first.drawn.count == first.chartCount * Language.allCases.count)
        let again = try SiteBuilder.build(snapshot: before, charts: charts, renderedAt: at, reusing: first.charts)
        #expect(again.drawn.isEmpty)
        #expect(again.files == first.files)

        let changed = try charts.specs.filter { try $0.data(from: before) != $0.data(from: after) }.map(\.name)
        #expect(!changed.isEmpty && changed.count < charts.specs.count, "changed: \(changed)")
        let incremental = try SiteBuilder.build(snapshot: after, charts: charts, renderedAt: at, reusing: first.charts)
        #expect(incremental.drawn.sorted() == (changed + changed.map { "ru/\($0)" } + changed.map { "zh/\($0)" }).sorted())
        let full = try SiteBuilder.build(snapshot: after, charts: charts, renderedAt: at)
        #expect(incremental.files == full.files, "the same site as a full build")
        #expect(incremental.files != first.files)
    }
}
