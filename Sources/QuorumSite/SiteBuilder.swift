import Dispatch
import Foundation
import QuorumAggregates
import QuorumCharts
import Synchronization

/// A site made from one snapshot: its files, and the charts that could not be drawn.
public struct SiteBuild: Sendable {
    public let files: [String: [UInt8]]
    public let errors: [ChartError]
    /// The charts, to be reused by the next build.
    public let charts: [RenderedChart]
    /// The names of the charts drawn for this build; the others were reused.
    public let drawn: [String]

    public var chartCount: Int { charts.count }
}

public enum SiteBuilder {
    /// Renders every chart of `set` from `snapshot` and lays out the pages. A chart
    /// that fails becomes an error in the result (and on the index page and in the
    /// manifest); the others are drawn, except those of `previous` (a former
    /// build's charts) whose chart file and figures are unchanged: their images
    /// are reused, so a change redraws only the charts that show it.
    public static func build(
        snapshot: Snapshot, charts set: ChartSet, renderedAt: Date = Date(),
        reusing previous: [RenderedChart] = []
    ) throws -> SiteBuild {
        let previous = Dictionary(previous.map { ($0.spec.name, $0) }, uniquingKeysWith: { first, _ in first })
        // Charts are independent: draw them on every core (text is laid out one string
        // at a time, behind the text engine's lock; the rest runs in parallel).
        let results = Mutex([Result<(chart: RenderedChart, reused: Bool), ChartError>?](repeating: nil, count: set.specs.count))
        DispatchQueue.concurrentPerform(iterations: set.specs.count) { index in
            let spec = set.specs[index], before = previous[spec.name]
            let result = Result { () throws(ChartError) -> (chart: RenderedChart, reused: Bool) in
                let data = try spec.data(from: snapshot)
                // The same chart file and figures give the same images.
                if let before, before.spec == spec, before.data == data { return (before, true) }
                return (try RenderedChart.render(spec, data: data), false)
            }
            results.withLock { $0[index] = result }
        }
        var charts: [RenderedChart] = []
        var drawn: [String] = []
        var errors = set.errors
        for result in results.withLock({ $0 }) {
            switch result {
            case .success(let rendered)?:
                charts.append(rendered.chart)
                if !rendered.reused { drawn.append(rendered.chart.spec.name) }
            case .failure(let error)?: errors.append(error)
            case nil: break
            }
        }
        let files = try Site.files(snapshot: snapshot, charts: charts, errors: errors, renderedAt: renderedAt)
        return SiteBuild(files: files, errors: errors, charts: charts, drawn: drawn)
    }
}
