import QuorumModel

/// The kinds of chart Quorum draws.
public enum ChartKind: String, CaseIterable, Sendable {
    /// Vertical bars; several series are drawn side by side.
    case bars
    case horizontalBars = "horizontal-bars"
    /// Vertical bars side by side per category (the same drawing as `bars`
    /// with several series; the name says what the chart file means).
    case groupedBars = "grouped-bars"
    case stackedBars = "stacked-bars"
    /// Lines with a marker on every figure.
    case line
    case area
    case donut
    /// Done out of a total: the first category is what is done, the rest what remains.
    case progress
    /// A small line without axes, for tables.
    case sparkline
}

/// How a chart looks, apart from its data.
public struct ChartStyle: Equatable, Sendable {
    public var kind: ChartKind
    public var title: String
    public var subtitle: String
    public var source: String
    /// Size at 1×, in pixels.
    public var width: Int
    public var height: Int
    /// Figures written on the bars and markers. Qualified figures ("140+",
    /// "≈150") are written whatever this says, so a reader always sees them.
    public var valueLabels: Bool
    public var theme: Theme
    /// Pixels per CSS pixel: 1 for ordinary screens, 2 or 3 for high-density ones.
    public var scale: Int
    /// Laid out for a phone: larger type, the legend and labels stacked, fewer ticks.
    public var narrow: Bool
    /// The language of the chart's own words (the source line, "No data", the figures' separators).
    public var language: Language
    /// What the figure in a donut's middle is: "in all", or "in the dataset" for a selection.
    public var totalCaption: String

    public init(
        kind: ChartKind, title: String = "", subtitle: String = "", source: String = "",
        width: Int = 800, height: Int = 400, valueLabels: Bool = false, theme: Theme = .light, scale: Int = 1,
        narrow: Bool = false, language: Language = .en, totalCaption: String? = nil
    ) {
        self.kind = kind
        self.title = title
        self.subtitle = subtitle
        self.source = source
        self.width = width
        self.height = height
        self.valueLabels = valueLabels
        self.theme = theme
        self.scale = scale
        self.narrow = narrow
        self.language = language
        self.totalCaption = totalCaption ?? Wording(language).inAll
    }
}
