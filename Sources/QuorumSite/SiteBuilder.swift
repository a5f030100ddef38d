import Dispatch
import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import Synchronization

/// A site made from one snapshot: its files, and the charts that could not be drawn.
public struct SiteBuild: Sendable {
    public let files: [String: [UInt8]]
    public let errors: [ChartError]
    /// The charts in every language, to be reused by the next build.
    public let charts: [RenderedChart]
    /// The charts drawn for this build, as "name" (English) or "ru/name"; the others were reused.
    public let drawn: [String]

    /// How many charts the site has (each in every language).
    public var chartCount: Int { charts.filter { $0.spec.language == .en }.count }
}

public enum SiteBuilder {
    /// Renders every chart of `set` from `snapshot`, in each of `languages`
    /// (English always), and lays out the pages. A chart that fails becomes an error in the result (and on the
    /// index page and in the manifest); the others are drawn, except those of
    /// `previous` (a former build's charts) whose chart file, language and figures
    /// are unchanged: their images are reused, so a change redraws only the charts
    /// that show it.
    public static func build(
        snapshot: Snapshot, charts set: ChartSet, languages: [Language] = Language.allCases, renderedAt: Date = Date(),
        reusing previous: [RenderedChart] = []
    ) throws -> SiteBuild {
        let languages = Language.allCases.filter { $0 == .en || languages.contains($0) }
        struct Key: Hashable {
            let name: String
            let language: Language
        }
        let previous = Dictionary(previous.map { (Key(name: $0.spec.name, language: $0.spec.language), $0) }, uniquingKeysWith: { first, _ in first })
        let work = set.specs.flatMap { spec in languages.map { spec.localized($0) } }
        // Charts are independent: draw them on every core (text is laid out one string
        // at a time, behind the text engine's lock; the rest runs in parallel).
        let results = Mutex([Result<(chart: RenderedChart, reused: Bool), ChartError>?](repeating: nil, count: work.count))
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            let spec = work[index], before = previous[Key(name: spec.name, language: spec.language)]
            let result = Result { () throws(ChartError) -> (chart: RenderedChart, reused: Bool) in
                let data = try spec.data(from: snapshot)
                // The same chart file, language and figures give the same images.
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
                let spec = rendered.chart.spec
                if !rendered.reused { drawn.append(spec.language == .en ? spec.name : "\(spec.language.rawValue)/\(spec.name)") }
            // A chart that cannot be drawn fails in every language alike: reported once.
            case .failure(let error)? where !errors.contains(error): errors.append(error)
            case .failure?, nil: break
            }
        }
        let files = try Site.files(snapshot: snapshot, charts: charts, languages: languages, errors: errors, renderedAt: renderedAt)
        return SiteBuild(files: files, errors: errors, charts: charts, drawn: drawn)
    }
}
