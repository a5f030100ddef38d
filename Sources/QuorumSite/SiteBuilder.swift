import Foundation
import QuorumAggregates
import QuorumCharts

/// A site made from one snapshot: its files, and the charts that could not be drawn.
public struct SiteBuild: Sendable {
    public let files: [String: [UInt8]]
    public let chartCount: Int
    public let errors: [ChartError]
}

public enum SiteBuilder {
    /// Renders every chart of `set` from `snapshot` and lays out the pages. A chart
    /// that fails becomes an error in the result (and on the index page and in the
    /// manifest); the others are drawn.
    public static func build(snapshot: Snapshot, charts set: ChartSet, renderedAt: Date = Date()) throws -> SiteBuild {
        var charts: [RenderedChart] = []
        var errors = set.errors
        for spec in set.specs {
            do { charts.append(try RenderedChart.render(spec, snapshot: snapshot)) } catch { errors.append(error) }
        }
        let files = try Site.files(snapshot: snapshot, charts: charts, errors: errors, renderedAt: renderedAt)
        return SiteBuild(files: files, chartCount: charts.count, errors: errors)
    }
}
