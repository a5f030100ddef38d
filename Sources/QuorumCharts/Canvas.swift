import CGD
import Foundation

/// An sRGB colour.
public struct RGB: Equatable, Hashable, Sendable {
    public let red: UInt8, green: UInt8, blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public init(hex: UInt32) {
        self.init(UInt8(hex >> 16 & 0xFF), UInt8(hex >> 8 & 0xFF), UInt8(hex & 0xFF))
    }

    /// libgd's true-colour value, fully opaque.
    var gd: Int32 { Int32(red) << 16 | Int32(green) << 8 | Int32(blue) }

    /// The colour of libgd's true-colour value `ink`.
    init(ink: Ink) { self.init(hex: UInt32(bitPattern: ink) & 0xFFFFFF) }

    /// This colour over `other`, `amount` (0…1) of the way.
    func mixed(over other: RGB, amount: Double) -> RGB {
        func channel(_ top: UInt8, _ bottom: UInt8) -> UInt8 {
            UInt8((Double(top) * amount + Double(bottom) * (1 - amount)).rounded())
        }
        return RGB(channel(red, other.red), channel(green, other.green), channel(blue, other.blue))
    }
}

/// What a canvas's pixel holds: a colour as libgd's true-colour value, or the id
/// of a pair of colours (`ColourPairs`).
typealias Ink = Int32

/// A true-colour libgd image that this value alone owns: it is destroyed when the
/// value goes away, and no pointer to it leaves this module.
///
/// Shapes other than axis-aligned rectangles are drawn by coverage (a signed
/// distance per pixel), which anti-aliases thick lines, circles and arcs — libgd
/// anti-aliases only one-pixel lines.
struct Canvas: ~Copyable {
    private let image: gdImagePtr
    let width: Int
    let height: Int
    /// Set when the pixels hold colour pairs (a chart in its light and dark themes
    /// drawn at once) rather than colours.
    private let pairs: ColourPairs?

    init(width: Int, height: Int, background: RGB) throws(ChartError) {
        try self.init(width: width, height: height, background: background.gd, pairs: nil)
    }

    private init(width: Int, height: Int, background: Ink, pairs: ColourPairs?) throws(ChartError) {
        guard width > 0, height > 0, width <= 8192, height <= 8192 else {
            throw ChartError.data("a chart of \(width)×\(height) pixels cannot be drawn")
        }
        guard let image = gdImageCreateTrueColor(Int32(width), Int32(height)) else {
            throw ChartError.library("libgd could not allocate a \(width)×\(height) image")
        }
        self.image = image
        self.width = width
        self.height = height
        self.pairs = pairs
        fill(left: 0, top: 0, right: width - 1, bottom: height - 1, color: background)
    }

    deinit { gdImageDestroy(image) }

    /// A laid-out chart, rasterised.
    static func raster(_ drawing: ChartDrawing) throws(ChartError) -> Canvas {
        let canvas = try Canvas(width: drawing.width, height: drawing.height, background: drawing.background)
        try canvas.draw(drawing.operations, colours: drawing.operations.map(\.colour.gd))
        return canvas
    }

    /// The same chart laid out in two themes, rasterised once: each pixel holds a
    /// pair of colours, the light theme's and the dark's. Nil when the two layouts
    /// differ in more than colour.
    static func raster(light: ChartDrawing, dark: ChartDrawing) throws(ChartError) -> Canvas? {
        guard light.width == dark.width, light.height == dark.height, light.operations.count == dark.operations.count,
            zip(light.operations, dark.operations).allSatisfy({ $0.recoloured(RGB(0, 0, 0)) == $1.recoloured(RGB(0, 0, 0)) })
        else { return nil }
        let pairs = ColourPairs()
        let canvas = try Canvas(
            width: light.width, height: light.height, background: pairs.ink(light.background, dark.background), pairs: pairs)
        try canvas.draw(light.operations, colours: zip(light.operations, dark.operations).map { pairs.ink($0.colour, $1.colour) })
        return canvas
    }

    private func draw(_ operations: [ChartDrawing.Operation], colours: [Ink]) throws(ChartError) {
        for (operation, colour) in zip(operations, colours) {
            switch operation {
            case .rectangle(let x, let y, let width, let height, _):
                fillRect(x: x, y: y, width: width, height: height, color: colour)
            case .circle(let centre, let radius, _):
                fillCircle(centreX: centre.x, centreY: centre.y, radius: radius, color: colour)
            case .polyline(let points, let width, _):
                strokePolyline(points.map { ($0.x, $0.y) }, width: width, color: colour)
            case .areaUnder(let points, let baseline, _):
                fillUnderPolyline(points.map { ($0.x, $0.y) }, baseline: baseline, color: colour)
            case .ringSegment(let centre, let outer, let inner, let start, let end, let gap, _):
                fillRingSegment(
                    centreX: centre.x, centreY: centre.y, outer: outer, inner: inner, start: start, end: end,
                    gap: gap, color: colour)
            case .text(let text, let at, let font, let size, _, let anchor):
                try self.text(text, x: at.x, y: at.y, font: font, size: size, color: colour, anchor: anchor)
            }
        }
    }

    // MARK: Pixels

    /// The colour of a pixel; of a pair, the light theme's.
    func pixel(x: Int, y: Int) -> RGB {
        let value = image.pointee.tpixels[y]![x]
        return pairs?.light[Int(value)] ?? RGB(ink: value)
    }

    /// How many steps of partial coverage an edge is drawn with. Few enough that a
    /// chart's colours and their blends fit a palette exactly (`ExactPalette`), and
    /// enough that an edge looks smooth.
    static let coverageLevels = 16.0

    /// Paints `color` over a pixel with the given coverage (0…1).
    private func cover(x: Int, y: Int, color: Ink, coverage: Double) {
        let level = Int((coverage * Canvas.coverageLevels).rounded(.toNearestOrEven))
        guard level > 0, x >= 0, y >= 0, x < width, y < height else { return }
        let row = image.pointee.tpixels[y]!
        if level >= Int(Canvas.coverageLevels) {
            row[x] = color
        } else if let pairs {
            row[x] = pairs.blend(color, over: row[x], level: level)
        } else {
            let amount = Double(level) / Canvas.coverageLevels
            row[x] = RGB(ink: color).mixed(over: RGB(ink: row[x]), amount: amount).gd
        }
    }

    /// Fills the pixels of a box by coverage from a signed distance (negative inside).
    private func fill(
        minX: Double, minY: Double, maxX: Double, maxY: Double, color: Ink,
        distance: (Double, Double) -> Double
    ) {
        let x0 = max(0, Int((minX - 1).rounded(.down))), x1 = min(width - 1, Int((maxX + 1).rounded(.up)))
        let y0 = max(0, Int((minY - 1).rounded(.down))), y1 = min(height - 1, Int((maxY + 1).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            let centreY = Double(y) + 0.5
            for x in x0...x1 {
                let coverage = min(1, max(0, 0.5 - distance(Double(x) + 0.5, centreY)))
                cover(x: x, y: y, color: color, coverage: coverage)
            }
        }
    }

    // MARK: Shapes

    /// A rectangle snapped to whole pixels, so bars and gridlines stay crisp.
    func fillRect(x: Double, y: Double, width: Double, height: Double, color: Ink) {
        let left = Int(x.rounded()), top = Int(y.rounded())
        fill(left: left, top: top, right: Int((x + width).rounded()) - 1, bottom: Int((y + height).rounded()) - 1, color: color)
    }

    /// Sets the pixels from `left`…`right` and `top`…`bottom` (clipped) to `color`.
    /// Written into the rows directly: every colour is opaque, and libgd's rectangle
    /// blends pixel by pixel, which took a quarter of a chart's time.
    private func fill(left: Int, top: Int, right: Int, bottom: Int, color: Ink) {
        let left = max(0, left), top = max(0, top), right = min(width - 1, right), bottom = min(height - 1, bottom)
        guard right >= left, bottom >= top else { return }
        for y in top...bottom {
            (image.pointee.tpixels[y]! + left).update(repeating: color, count: right - left + 1)
        }
    }

    func fillCircle(centreX: Double, centreY: Double, radius: Double, color: Ink) {
        fill(
            minX: centreX - radius, minY: centreY - radius, maxX: centreX + radius, maxY: centreY + radius,
            color: color
        ) { x, y in ((x - centreX) * (x - centreX) + (y - centreY) * (y - centreY)).squareRoot() - radius }
    }

    /// A polyline of the given width with round joins, each pixel covered once.
    func strokePolyline(_ points: [(x: Double, y: Double)], width lineWidth: Double, color: Ink) {
        guard let first = points.first else { return }
        let half = lineWidth / 2
        if points.count == 1 {
            fillCircle(centreX: first.x, centreY: first.y, radius: half, color: color)
            return
        }
        let xs = points.map(\.x), ys = points.map(\.y)
        let segments = zip(points, points.dropFirst()).map { ($0, $1) }
        fill(
            minX: xs.min()! - half, minY: ys.min()! - half, maxX: xs.max()! + half, maxY: ys.max()! + half,
            color: color
        ) { x, y in
            var nearest = Double.infinity
            for (a, b) in segments {
                // Cheap rejection: the segment's box, grown by the half width and a pixel.
                if x < min(a.x, b.x) - half - 1 || x > max(a.x, b.x) + half + 1
                    || y < min(a.y, b.y) - half - 1 || y > max(a.y, b.y) + half + 1
                {
                    continue
                }
                nearest = min(nearest, Canvas.distance(x, y, toSegment: a, b))
            }
            return nearest - half
        }
    }

    private static func distance(
        _ x: Double, _ y: Double, toSegment a: (x: Double, y: Double),
        _ b: (x: Double, y: Double)
    ) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        let t = lengthSquared == 0 ? 0 : min(1, max(0, ((x - a.x) * dx + (y - a.y) * dy) / lengthSquared))
        let px = a.x + t * dx - x, py = a.y + t * dy - y
        return (px * px + py * py).squareRoot()
    }

    /// The region between a polyline (left to right) and a baseline, filled.
    /// Each column is covered by how much of it lies below the line.
    func fillUnderPolyline(_ points: [(x: Double, y: Double)], baseline: Double, color: Ink) {
        guard points.count >= 2 else { return }
        let x0 = max(0, Int(points.first!.x.rounded(.down))), x1 = min(width - 1, Int(points.last!.x.rounded(.up)) - 1)
        guard x0 <= x1 else { return }
        var segment = 0
        for x in x0...x1 {
            let centre = Double(x) + 0.5
            while segment < points.count - 2 && centre > points[segment + 1].x { segment += 1 }
            let a = points[segment], b = points[segment + 1]
            let t = b.x == a.x ? 0 : min(1, max(0, (centre - a.x) / (b.x - a.x)))
            let top = a.y + t * (b.y - a.y)
            let horizontal = min(1, max(0, min(centre - points.first!.x + 0.5, points.last!.x - centre + 0.5)))
            var y = Int(top.rounded(.down))
            while Double(y) < baseline, y < height {
                let coverage = min(1, Double(y + 1) - top, baseline - Double(y))
                if y >= 0 { cover(x: x, y: y, color: color, coverage: min(1, max(0, coverage)) * horizontal) }
                y += 1
            }
        }
    }

    /// A ring segment from `start` to `end` (radians, clockwise from twelve o'clock),
    /// with `gap` pixels left open at each end so neighbouring segments stay apart.
    func fillRingSegment(
        centreX: Double, centreY: Double, outer: Double, inner: Double,
        start: Double, end: Double, gap: Double, color: Ink
    ) {
        let sweep = end - start
        guard sweep > 0 else { return }
        let full = sweep >= 2 * Double.pi - 1e-9
        // Only the box around the arc: its ends on both circles, and the points of the
        // outer circle at twelve, three, six and nine o'clock that it passes.
        var xs = [start, end].flatMap { angle in [inner, outer].map { centreX + $0 * sin(angle) } }
        var ys = [start, end].flatMap { angle in [inner, outer].map { centreY - $0 * cos(angle) } }
        for quarter in 0..<8 {
            let angle = Double(quarter) * Double.pi / 2
            guard full || (angle >= start && angle <= end) else { continue }
            xs.append(centreX + outer * sin(angle))
            ys.append(centreY - outer * cos(angle))
        }
        fill(minX: xs.min()!, minY: ys.min()!, maxX: xs.max()!, maxY: ys.max()!, color: color) { x, y in
            let dx = x - centreX, dy = y - centreY
            let radius = (dx * dx + dy * dy).squareRoot()
            let radial = max(radius - outer, inner - radius)
            // Outside the ring, or all of it drawn: no angle to work out.
            if full || radial >= 0.5 { return radial }
            var angle = atan2(dx, -dy)  // clockwise from twelve o'clock
            if angle < 0 { angle += 2 * Double.pi }
            var into = angle - start
            if into < 0 { into += 2 * Double.pi }
            // Distance to the nearer straight edge, negative inside the sweep.
            let edge: Double
            if into <= sweep {
                edge = -min(radius * sin(min(into, Double.pi / 2)), radius * sin(min(sweep - into, Double.pi / 2)))
            } else {
                edge = radius
            }
            return max(radial, edge + gap / 2)
        }
    }

    // MARK: Text

    /// The width and the extent above and below the baseline of `text`, as libgd
    /// measures its bounding box.
    static func measure(_ text: String, font: ChartFont = .regular, size: Double) throws(ChartError) -> (
        width: Double, ascent: Double, descent: Double
    ) {
        let layout = try TextEngine.with { engine throws(ChartError) in try engine.layout(text, font: font, size: size) }
        return (layout.width, layout.ascent, layout.descent)
    }

    /// Where a test can read what a chart wrote (so it can check, say, that a
    /// qualifier is in the image); nil outside such a test.
    @TaskLocal static var writtenTexts: WrittenTexts?

    /// Draws `text` with its baseline at `y`, placed by `anchor`.
    func text(
        _ text: String, x: Double, y: Double, font: ChartFont = .regular, size: Double, color: Ink,
        anchor: TextAnchor = .start
    ) throws(ChartError) {
        guard !text.isEmpty else { return }
        let (layout, bitmaps) = try TextEngine.with { engine throws(ChartError) in
            let layout = try engine.layout(text, font: font, size: size)
            return (layout, try layout.glyphs.map { glyph throws(ChartError) in try engine.bitmap(glyph, font: font, size: size) })
        }
        // Placed as libgd places glyphs: the pen in whole pixels, each glyph truncated.
        let left = Double(Int32(anchor.left(of: x, width: layout.width).rounded()))
        let baseline = Int(y.rounded())
        for (glyph, bitmap) in zip(layout.glyphs, bitmaps) {
            let x0 = Int(left + Double(glyph.pen) * TextEngine.layoutScale + Double(bitmap.left))
            let y0 = baseline - bitmap.top
            for row in 0..<bitmap.rows {
                for column in 0..<bitmap.width {
                    let level = bitmap.coverage[row * bitmap.width + column]
                    if level > 0 { cover(x: x0 + column, y: y0 + row, color: color, coverage: Double(level) / 255) }
                }
            }
        }
    }

    // MARK: PNG

    /// The image as PNG bytes; as a palette image when `palette` is set (much
    /// smaller for charts, whose colours are few): with exactly its own colours when
    /// it has at most 256, as charts do, written by `PalettePNG`; otherwise through
    /// libgd's quantiser and PNG writer, at zlib's level `compression`.
    func png(palette: Bool, exactColours: [RGB] = [], compression: Int32 = 3) throws(ChartError) -> [UInt8] {
        if palette, let exact = ExactPalette.rows(from: image, width: width, height: height) {
            return PalettePNG.encode(width: width, height: height, rows: exact.rows, palettes: [exact.values.map { RGB(ink: $0) }])[0]
        }
        if palette {  // more than 256 colours
            guard let indexed = gdImageCreatePaletteFromTrueColor(image, 0, 256) else {
                throw ChartError.library("libgd could not reduce the image to a palette")
            }
            defer { gdImageDestroy(indexed) }
            // The quantiser shifts colours slightly (white becomes off-white): match each
            // palette entry to the mean of the true-colour pixels it stands for.
            guard gdImageColorMatch(image, indexed) == 0 else { throw ChartError.library("libgd could not match the palette") }
            // The theme's own colours come out exact, so a white page stays white.
            for colour in exactColours {
                let index = Int(gdImageColorClosest(indexed, Int32(colour.red), Int32(colour.green), Int32(colour.blue)))
                func set(_ channel: UnsafeMutablePointer<Int32>, _ value: UInt8) {
                    if abs(Int(channel[index]) - Int(value)) <= 8 { channel[index] = Int32(value) }
                }
                withUnsafeMutablePointer(to: &indexed.pointee.red) { $0.withMemoryRebound(to: Int32.self, capacity: 256) { set($0, colour.red) } }
                withUnsafeMutablePointer(to: &indexed.pointee.green) { $0.withMemoryRebound(to: Int32.self, capacity: 256) { set($0, colour.green) } }
                withUnsafeMutablePointer(to: &indexed.pointee.blue) { $0.withMemoryRebound(to: Int32.self, capacity: 256) { set($0, colour.blue) } }
            }
            return try Canvas.encode(indexed, compression: compression)
        }
        return try Canvas.encode(image, compression: compression)
    }

    /// A canvas of colour pairs as two palette PNGs, light and dark, encoded once:
    /// the dark one is the light one with the dark colours in its palette. Nil when
    /// the pairs are more than a palette holds.
    func pngs() -> (light: [UInt8], dark: [UInt8])? {
        guard let pairs, let exact = ExactPalette.rows(from: image, width: width, height: height, below: pairs.light.count) else {
            return nil
        }
        let pngs = PalettePNG.encode(
            width: width, height: height, rows: exact.rows,
            palettes: [exact.values.map { pairs.light[Int($0)] }, exact.values.map { pairs.dark[Int($0)] }])
        return (pngs[0], pngs[1])
    }

    private static func encode(_ image: gdImagePtr, compression: Int32) throws(ChartError) -> [UInt8] {
        var size: Int32 = 0
        guard let bytes = gdImagePngPtrEx(image, &size, compression) else { throw ChartError.library("libgd could not encode a PNG") }
        defer { gdFree(bytes) }
        guard size > 0 else { throw ChartError.library("libgd made an empty PNG") }
        return Array(UnsafeRawBufferPointer(start: bytes, count: Int(size)))
    }
}

/// A PNG that Quorum made, decoded again to check it: tests and the reference
/// comparison read pixels through this. It refuses anything without a PNG
/// signature, and is meant only for bytes this module wrote.
public struct DecodedPNG: Sendable {
    public let width: Int
    public let height: Int
    /// Whether the PNG is a palette (indexed) image, and how many colours it has.
    public let isPalette: Bool
    public let colourCount: Int
    /// Row-major 0xRRGGBB values.
    public let pixels: [UInt32]

    public init(quorumPNG bytes: [UInt8]) throws(ChartError) {
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw ChartError.data("not a PNG")
        }
        var copy = bytes
        let decoded = copy.withUnsafeMutableBytes { gdImageCreateFromPngPtr(Int32($0.count), $0.baseAddress) }
        guard let image = decoded else { throw ChartError.library("libgd could not decode the PNG") }
        defer { gdImageDestroy(image) }
        width = Int(image.pointee.sx)
        height = Int(image.pointee.sy)
        isPalette = image.pointee.trueColor == 0
        colourCount = isPalette ? Int(image.pointee.colorsTotal) : 0
        var pixels = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                pixels[y * width + x] = UInt32(bitPattern: gdImageGetTrueColorPixel(image, Int32(x), Int32(y))) & 0xFFFFFF
            }
        }
        self.pixels = pixels
    }

    public func pixel(x: Int, y: Int) -> UInt32 { pixels[y * width + x] }
}

/// The texts a chart wrote, in order.
final class WrittenTexts: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []

    func append(_ text: String) { lock.withLock { texts.append(text) } }
    var all: [String] { lock.withLock { texts } }
}
