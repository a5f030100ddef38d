import Foundation
import QuorumAggregates
import QuorumModel

/// The chart files to render: the default set shipped in the binary, or a directory's.
/// A file that cannot be read becomes an error, and the others still render.
public struct ChartSet: Sendable {
    public let specs: [ChartSpec]
    public let errors: [ChartError]

    public init(specs: [ChartSpec], errors: [ChartError]) {
        self.specs = specs.sorted { ($0.page, $0.order, $0.name) < ($1.page, $1.order, $1.name) }
        self.errors = errors
    }

    /// The default chart set, from the binary.
    public static func builtIn() -> ChartSet {
        parse(DefaultCharts.files.map { ("Charts/" + $0.name, String(decoding: $0.bytes, as: UTF8.self)) })
    }

    /// Every `*.toml` in `directory`, or the built-in set when `directory` is nil.
    public static func load(directory: URL?) -> ChartSet {
        guard let directory else { return builtIn() }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toml") }.sorted()
        } catch {
            return ChartSet(
                specs: [], errors: [ChartError.spec(file: directory.path, key: nil, "cannot read the chart directory: \(error.localizedDescription)")]
            )
        }
        var files: [(String, String)] = []
        var errors: [ChartError] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            do { files.append((url.path, try String(contentsOf: url, encoding: .utf8))) } catch {
                errors.append(ChartError.spec(file: url.path, key: nil, "cannot be read as UTF-8 text"))
            }
        }
        let parsed = parse(files)
        return ChartSet(specs: parsed.specs, errors: errors + parsed.errors)
    }

    static func parse(_ files: [(file: String, text: String)]) -> ChartSet {
        var specs: [ChartSpec] = []
        var errors: [ChartError] = []
        for (file, text) in files {
            do { specs.append(try ChartSpec.parse(text, file: file)) } catch { errors.append(error) }
        }
        return ChartSet(specs: specs, errors: errors)
    }

    /// The charts whose figures come from a query, for the aggregation run to
    /// execute (read-only, with a statement timeout) and store as `chart:<name>`.
    public var queries: [(name: String, sql: String)] {
        specs.compactMap { spec in
            if case .sql(let sql) = spec.origin { (spec.name, sql) } else { nil }
        }
    }
}

/// One chart rendered from a snapshot: its PNGs in both themes, wide and (where it
/// has one) narrow, the figures behind them, and a text alternative that states those figures.
public struct RenderedChart: Sendable {
    public let spec: ChartSpec
    public let data: ChartData
    /// Every wide image, and the narrow ones where the chart has a narrow layout.
    public let images: [ChartImage: [UInt8]]
    /// The narrow layout's size in CSS pixels, where the chart has one.
    public let narrowSize: (width: Int, height: Int)?

    /// Renders every image of `spec` from `snapshot`.
    public static func render(_ spec: ChartSpec, snapshot: Snapshot) throws(ChartError) -> RenderedChart {
        try render(spec, data: try spec.data(from: snapshot))
    }

    /// Renders every image of `spec` showing `data`.
    public static func render(_ spec: ChartSpec, data: ChartData) throws(ChartError) -> RenderedChart {
        try outline(spec, data: data).drawn()
    }

    /// `spec` showing `data`, its images not drawn yet: all a page needs to show it.
    public static func outline(_ spec: ChartSpec, data: ChartData) throws(ChartError) -> RenderedChart {
        RenderedChart(spec: spec, data: data, images: [:], narrowSize: try spec.narrowSize(for: data))
    }

    /// This chart with every image drawn.
    public func drawn() throws(ChartError) -> RenderedChart {
        var images: [ChartImage: [UInt8]] = [:]
        for image in ChartImage.wide + (narrowSize == nil ? [] : ChartImage.narrow) where !image.dark {
            let dark = ChartImage(dark: true, narrow: image.narrow, scale: image.scale)
            (images[image], images[dark]) = try ChartRenderer.pngs(
                data, light: spec.style(image, narrowSize: narrowSize), dark: spec.style(dark, narrowSize: narrowSize))
        }
        return RenderedChart(spec: spec, data: data, images: images, narrowSize: narrowSize)
    }

    /// "Participants in CICA forum sessions. Business Council: 2021 116, 2022 150, …
    /// 2024 140+ (at least). Source: …" — the chart's numbers in words, for screen
    /// readers, in the chart's language.
    public var alt: String {
        let wording = Wording(spec.language)
        let gap = wording.sentenceGap
        let source = spec.source.isEmpty ? "" : gap + wording.sourcePrefix + spec.source + wording.fullStop
        var text = spec.title + wording.fullStop
        if data.isEmpty { return text + gap + wording.noData + wording.fullStop + source }
        let series = data.series + (data.reference.map { [$0] } ?? [])
        for item in series {
            let language = spec.language
            let figures = zip(data.categories, item.points).compactMap { category, point -> String? in
                guard let point else { return nil }
                return category + " " + point.label(in: language)
            }
            text += gap + (series.count > 1 ? item.name + wording.colon : "") + figures.joined(separator: wording.comma) + wording.fullStop
        }
        let qualifiers = Set(series.flatMap { $0.points.compactMap { $0?.qualifier } })
        if qualifiers.contains(.atLeast) { text += gap + wording.lowerBoundSentence }
        if qualifiers.contains(.approximately) { text += gap + wording.approximateSentence }
        // The marks and the coverage, as the notes under the image say them.
        for note in data.notes { text += gap + note + (note.hasSuffix(".") || note.hasSuffix("。") ? "" : wording.fullStop) }
        return text + source
    }
}
