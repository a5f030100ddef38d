import Foundation
import QuorumModel

/// One figure in a chart, with how exact it is, what it counted, whether the
/// document states it, and the register rows it was computed from.
public struct ChartPoint: Equatable, Sendable {
    public var value: Double
    public var qualifier: Qualifier
    /// How Quorum derived the figure; nil when the documents state it.
    public var derivation: String?
    /// What the figure counted, where that differs from the rest of its series
    /// ("Member States and observers" in a series of Member States): the point is marked.
    public var otherScope: String?
    /// Anchors of the register rows the figure comes from.
    public var register: [String]

    public init(
        _ value: Double, _ qualifier: Qualifier = .exact, derivation: String? = nil, otherScope: String? = nil,
        register: [String] = []
    ) {
        self.value = value
        self.qualifier = qualifier
        self.derivation = derivation
        self.otherScope = otherScope
        self.register = register
    }

    /// As a reader sees it: "1,250", "140+", "≈150", with "†" when Quorum derived
    /// it and "*" when it counted something else than its series.
    public var label: String { label(in: .en) }

    /// The figure as a reader of `language` sees it ("1 250" in Russian).
    public func label(in language: Language) -> String { qualifier.format(NumberFormat.grouped(value, in: language)) + marks }

    /// The marks alone, which the image, the tables and the downloads explain in a note.
    public var marks: String { (derivation == nil ? "" : ChartMark.derived) + (otherScope == nil ? "" : ChartMark.otherScope) }

    /// A figure a reader must be told something about, so it is always labelled.
    public var isQualified: Bool { qualifier != .exact || derivation != nil || otherScope != nil }
}

/// The marks of figures that need a note, and the notes.
public enum ChartMark {
    public static let derived = "†"
    public static let otherScope = "*"

    public static var derivedNote: String { Wording(.en).derivedNote }
}

/// A named run of points, one per category (nil where there is no figure).
public struct ChartSeries: Equatable, Sendable {
    public var name: String
    public var points: [ChartPoint?]

    public init(name: String, points: [ChartPoint?]) {
        self.name = name
        self.points = points
    }
}

/// What a chart shows: categories along one axis, one or more series of figures,
/// and optionally a reference line (such as the membership a count is measured against).
public struct ChartData: Equatable, Sendable {
    public var categories: [String]
    public var series: [ChartSeries]
    public var reference: ChartSeries?
    /// What the documents report for the whole of which the chart shows a part:
    /// "The dataset holds 22 of the 160 events that the source reports for …".
    public var coverage: String?
    /// The language of the categories, names and notes.
    public var language: Language

    public init(
        categories: [String], series: [ChartSeries], reference: ChartSeries? = nil, coverage: String? = nil, language: Language = .en
    ) {
        self.categories = categories
        self.series = series
        self.reference = reference
        self.coverage = coverage
        self.language = language
    }

    /// Every point of every series.
    public var points: [ChartPoint] { series.flatMap { $0.points.compactMap { $0 } } }

    /// Every point a reader sees: the series' and the reference's.
    public var shownPoints: [ChartPoint] { points + (reference?.points.compactMap { $0 } ?? []) }

    /// The notes a reader needs under the chart: the coverage, and what its marks mean.
    public var notes: [String] {
        var notes: [String] = []
        if let coverage { notes.append(coverage) }
        let points = shownPoints
        let wording = Wording(language)
        if points.contains(where: { $0.derivation != nil }) { notes.append(wording.derivedNote) }
        var scopes: [String] = []
        for scope in points.compactMap(\.otherScope) where !scopes.contains(scope) { scopes.append(scope) }
        if !scopes.isEmpty { notes.append(wording.otherScopeNote(scopes)) }
        return notes
    }

    /// No figure at all to draw.
    public var isEmpty: Bool { categories.isEmpty || series.allSatisfy { $0.points.allSatisfy { $0 == nil } } }
}

/// The "nice numbers" of an axis: 1, 2 or 5 times a power of ten, so ticks fall
/// on values a reader can add up.
public struct AxisTicks: Equatable, Sendable {
    public let step: Double
    public let maximum: Double

    public var values: [Double] {
        guard step > 0 else { return [0] }
        let count = Int((maximum / step).rounded())
        return (0...count).map { Double($0) * step }
    }

    /// Ticks from zero covering `largest`, about `target` of them.
    public init(covering largest: Double, target: Int) {
        guard largest > 0, largest.isFinite else {
            step = 1
            maximum = 1
            return
        }
        let rough = largest / Double(max(1, target))
        let power = pow10(floor(log10(rough)))
        let fraction = rough / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        // Whole-number data never gets fractional ticks.
        step = max(nice * power, largest >= 1 ? 1 : nice * power)
        maximum = (largest / step).rounded(.up) * step
    }
}

private func pow10(_ exponent: Double) -> Double {
    var result = 1.0
    let steps = Int(abs(exponent))
    for _ in 0..<steps { result *= 10 }
    return exponent < 0 ? 1 / result : result
}
