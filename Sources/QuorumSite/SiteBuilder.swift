import Foundation
import QuorumAggregates
import QuorumBlocking
import QuorumCharts
import QuorumModel

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
        // First what each chart shows, on every core: all that the pages need.
        let specs = set.specs.flatMap { spec in languages.map { spec.localized($0) } }
        let read = Parallel.map(specs.count) { index in Result { () throws(ChartError) in try specs[index].data(from: snapshot) } }
        var charts: [RenderedChart] = []
        var toDraw: [Int] = []
        var errors = set.errors
        for (spec, data) in zip(specs, read) {
            do throws(ChartError) {
                let data = try data.get()
                // The same chart file, language and figures give the same images.
                if let before = previous[Key(name: spec.name, language: spec.language)], before.spec == spec, before.data == data {
                    charts.append(before)
                } else {
                    toDraw.append(charts.count)
                    charts.append(try RenderedChart.outline(spec, data: data))
                }
            } catch {
                // A chart that cannot be drawn fails in every language alike: reported once.
                if !errors.contains(error) { errors.append(error) }
            }
        }
        // Then the images and the other files, side by side on every core: the site's
        // parts need no image. The parts go first, the longest (the PDFs) before all.
        let (outlines, chartErrors, indices) = (charts, errors, toDraw)
        let parts = Site.parts(snapshot: snapshot, charts: outlines, languages: languages, errors: chartErrors, renderedAt: renderedAt)
        typealias Made = (files: Result<[String: [UInt8]], Error>?, chart: Result<RenderedChart, ChartError>?)
        let made = Parallel.map(parts.count + toDraw.count) { index -> Made in
            if index < parts.count { return (Result { try parts[index].make() }, nil) }
            return (nil, Result { () throws(ChartError) in try outlines[indices[index - parts.count]].drawn() })
        }
        var failed: Set<Int> = []
        for (index, made) in zip(toDraw, made.dropFirst(parts.count)) {
            switch made.chart! {
            case .success(let chart): charts[index] = chart
            case .failure(let error):
                failed.insert(index)
                if !errors.contains(error) { errors.append(error) }
            }
        }
        let names = toDraw.filter { !failed.contains($0) }.map { charts[$0].spec }
        var files: [String: [UInt8]]
        if failed.isEmpty {
            files = try Site.merged(made.prefix(parts.count).map { $0.files! })
            for index in toDraw { files.merge(Site.images(of: charts[index])) { _, image in image } }
        } else {
            // Rare: a chart whose figures were read but whose images could not be drawn.
            // The pages are made again without it, so that none shows a missing image.
            charts = charts.indices.filter { !failed.contains($0) }.map { charts[$0] }
            files = try Site.files(snapshot: snapshot, charts: charts, languages: languages, errors: errors, renderedAt: renderedAt)
        }
        return SiteBuild(
            files: files, errors: errors, charts: charts,
            drawn: names.map { $0.language == .en ? $0.name : "\($0.language.rawValue)/\($0.name)" })
    }
}
