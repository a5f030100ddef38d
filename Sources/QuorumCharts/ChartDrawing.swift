/// A chart laid out and not yet drawn: the shapes and texts in the order they are
/// painted, in the pixels of the style it was laid out for. libgd rasterises it
/// into the site's PNGs (`Canvas`); a vector surface such as a PDF page can draw
/// the same operations at any resolution, so a printed chart is as sharp as its page.
public struct ChartDrawing: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public let x: Double, y: Double
    }

    public enum Operation: Sendable, Equatable {
        /// An axis-aligned rectangle; raster surfaces snap it to whole pixels.
        case rectangle(x: Double, y: Double, width: Double, height: Double, colour: RGB)
        case circle(centre: Point, radius: Double, colour: RGB)
        /// A polyline with round joins and caps.
        case polyline([Point], width: Double, colour: RGB)
        /// The region between a polyline (left to right) and a horizontal baseline.
        case areaUnder([Point], baseline: Double, colour: RGB)
        /// A ring segment from `start` to `end` (radians, clockwise from twelve
        /// o'clock), `gap` pixels left open at each end.
        case ringSegment(centre: Point, outer: Double, inner: Double, start: Double, end: Double, gap: Double, colour: RGB)
        /// Text with its baseline at `at`; `size` in points at 96 pixels per inch.
        case text(String, at: Point, font: ChartFont, size: Double, colour: RGB, anchor: TextAnchor)

        /// The colour it is drawn in.
        var colour: RGB {
            switch self {
            case .rectangle(_, _, _, _, let colour), .circle(_, _, let colour), .polyline(_, _, let colour),
                .areaUnder(_, _, let colour), .ringSegment(_, _, _, _, _, _, let colour), .text(_, _, _, _, let colour, _):
                colour
            }
        }

        /// The same shape or text in `colour`.
        func recoloured(_ colour: RGB) -> Operation {
            switch self {
            case .rectangle(let x, let y, let width, let height, _): .rectangle(x: x, y: y, width: width, height: height, colour: colour)
            case .circle(let centre, let radius, _): .circle(centre: centre, radius: radius, colour: colour)
            case .polyline(let points, let width, _): .polyline(points, width: width, colour: colour)
            case .areaUnder(let points, let baseline, _): .areaUnder(points, baseline: baseline, colour: colour)
            case .ringSegment(let centre, let outer, let inner, let start, let end, let gap, _):
                .ringSegment(centre: centre, outer: outer, inner: inner, start: start, end: end, gap: gap, colour: colour)
            case .text(let text, let at, let font, let size, _, let anchor):
                .text(text, at: at, font: font, size: size, colour: colour, anchor: anchor)
            }
        }
    }

    /// In pixels of the style's scale.
    public let width: Int
    public let height: Int
    public let background: RGB
    public internal(set) var operations: [Operation] = []
}

/// Where text sits relative to the point it is drawn at.
public enum TextAnchor: Sendable, Equatable {
    case start, middle, end

    /// Where text `width` wide starts when anchored at `x`.
    public func left(of x: Double, width: Double) -> Double {
        switch self {
        case .start: x
        case .middle: x - width / 2
        case .end: x - width
        }
    }
}

/// What the layout draws on: it records the operations, measuring text with
/// the same FreeType metrics the canvas draws with.
final class Sketch {
    private(set) var drawing: ChartDrawing
    var width: Int { drawing.width }
    var height: Int { drawing.height }

    init(width: Int, height: Int, background: RGB) throws(ChartError) {
        guard width > 0, height > 0, width <= 8192, height <= 8192 else {
            throw ChartError.data("a chart of \(width)×\(height) pixels cannot be drawn")
        }
        drawing = ChartDrawing(width: width, height: height, background: background)
    }

    func fillRect(x: Double, y: Double, width: Double, height: Double, color: RGB) {
        drawing.operations.append(.rectangle(x: x, y: y, width: width, height: height, colour: color))
    }

    func fillCircle(centreX: Double, centreY: Double, radius: Double, color: RGB) {
        drawing.operations.append(.circle(centre: .init(x: centreX, y: centreY), radius: radius, colour: color))
    }

    func strokePolyline(_ points: [(x: Double, y: Double)], width: Double, color: RGB) {
        guard !points.isEmpty else { return }
        drawing.operations.append(.polyline(points.map { .init(x: $0.x, y: $0.y) }, width: width, colour: color))
    }

    func fillUnderPolyline(_ points: [(x: Double, y: Double)], baseline: Double, color: RGB) {
        guard points.count >= 2 else { return }
        drawing.operations.append(.areaUnder(points.map { .init(x: $0.x, y: $0.y) }, baseline: baseline, colour: color))
    }

    func fillRingSegment(
        centreX: Double, centreY: Double, outer: Double, inner: Double,
        start: Double, end: Double, gap: Double, color: RGB
    ) {
        guard end > start else { return }
        drawing.operations.append(
            .ringSegment(
                centre: .init(x: centreX, y: centreY), outer: outer, inner: inner,
                start: start, end: end, gap: gap, colour: color))
    }

    /// Records `text` with its baseline at `y`; returns its width.
    @discardableResult
    func text(
        _ text: String, x: Double, y: Double, font: ChartFont = .regular, size: Double, color: RGB,
        anchor: TextAnchor = .start
    ) throws(ChartError) -> Double {
        guard !text.isEmpty else { return 0 }
        Canvas.writtenTexts?.append(text)
        let width = try Canvas.measure(text, font: font, size: size).width
        drawing.operations.append(.text(text, at: .init(x: x, y: y), font: font, size: size, colour: color, anchor: anchor))
        return width
    }
}
