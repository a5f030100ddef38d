import Dispatch
import Foundation
import QuorumAggregates
import QuorumCharts
import Synchronization

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
        // Charts are independent: draw them on every core (text still goes one at a
        // time through libgd's font cache; shapes and PNG encoding run in parallel).
        let results = Mutex([Result<RenderedChart, ChartError>?](repeating: nil, count: set.specs.count))
        DispatchQueue.concurrentPerform(iterations: set.specs.count) { index in
            let result = Result { () throws(ChartError) in try RenderedChart.render(set.specs[index], snapshot: snapshot) }
            results.withLock { $0[index] = result }
        }
        var charts: [RenderedChart] = []
        var errors = set.errors
        for result in results.withLock({ $0 }) {
            switch result {
            case .success(let chart)?: charts.append(chart)
            case .failure(let error)?: errors.append(error)
            case nil: break
            }
        }
        let files = try Site.files(snapshot: snapshot, charts: charts, errors: errors, renderedAt: renderedAt)
        return SiteBuild(files: files, chartCount: charts.count, errors: errors)
    }
}
