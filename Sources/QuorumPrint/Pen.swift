import CCairo
import Foundation
import QuorumCharts

/// The type styles of a printed document, in points.
enum TextStyle {
    case title, heading, body, note, cell, cellHeading, caption, running

    var size: Double {
        switch self {
        case .title: 20
        case .heading: 14
        case .body: 10
        case .note, .running: 8
        case .cell, .cellHeading: 8.5
        case .caption: 9
        }
    }

    var bold: Bool {
        switch self {
        case .title, .heading, .cellHeading, .caption: true
        case .body, .note, .cell, .running: false
        }
    }
    /// 0 is black; notes and running heads are grey.
    var grey: Double {
        switch self {
        case .note, .running: 0.33
        case .title, .heading, .body, .cell, .cellHeading, .caption: 0.1
        }
    }
    var lineHeight: Double { size * 1.35 }
}

/// Draws on one cairo context: text in DejaVu Sans (the charts' face), lines,
/// shaded boxes and charts. Fonts are found through fontconfig and embedded,
/// subset, by cairo.
struct Pen {
    private let context: OpaquePointer

    init(_ context: OpaquePointer) {
        self.context = context
        // Outlines for a vector page: no hinting, which would only run FreeType's
        // bytecode interpreter on every glyph and nudge the metrics to a screen's pixels.
        let options = Glyphs.options()
        cairo_set_font_options(context, options)
        cairo_font_options_destroy(options)
    }

    /// A face and size to set text in.
    fileprivate struct Font {
        let bold: Bool
        let size: Double

        func advance(_ text: String) -> Double { Glyphs.advance(text.unicodeScalars, bold: bold) * size }
    }

    func width(_ text: String, style: TextStyle) -> Double { Font(style).advance(text) }

    /// A piece of text placed on the page.
    struct Run {
        let text: String
        let x: Double
        let baseline: Double
        var anchor: TextAnchor = .start
    }

    /// `runs` in `font` and the colour set, each placed by its anchor, in one call:
    /// a register's tables have thousands of cells, and cairo's PDF surface costs
    /// mostly per call. Glyphs come from the table, one cluster per character, so
    /// the PDF keeps the text; the runs are joined by spaces, each space's glyph
    /// where the run before it ends.
    private func show(_ runs: [Run], font: Font) {
        cairo_set_font_face(context, Glyphs.face(bold: font.bold))
        cairo_set_font_size(context, font.size)
        var text = "", glyphs: [cairo_glyph_t] = [], clusters: [cairo_text_cluster_t] = []
        let space = Glyphs.glyph(" ", bold: font.bold)
        for run in runs where !run.text.isEmpty {
            let scalars = Array(run.text.unicodeScalars)
            let found = scalars.map { Glyphs.glyph($0, bold: font.bold) }
            var pen = run.anchor.left(of: run.x, width: run.anchor == .start ? 0 : Glyphs.advance(found) * font.size)
            if !text.isEmpty, let space {
                text += " "
                glyphs.append(cairo_glyph_t(index: space.index, x: pen - space.advance * font.size, y: run.baseline))
                clusters.append(cairo_text_cluster_t(num_bytes: 1, num_glyphs: 1))
            }
            text += run.text
            for (scalar, glyph) in zip(scalars, found) {
                if let glyph {
                    glyphs.append(cairo_glyph_t(index: glyph.index, x: pen, y: run.baseline))
                    pen += glyph.advance * font.size
                }
                clusters.append(cairo_text_cluster_t(num_bytes: Int32(scalar.utf8.count), num_glyphs: glyph == nil ? 0 : 1))
            }
        }
        guard !glyphs.isEmpty else { return }
        cairo_show_text_glyphs(
            context, text, Int32(text.utf8.count), glyphs, Int32(glyphs.count), clusters, Int32(clusters.count),
            cairo_text_cluster_flags_t(0))
    }

    func text(_ text: String, x: Double, baseline: Double, style: TextStyle, anchor: TextAnchor = .start) {
        texts([Run(text: text, x: x, baseline: baseline, anchor: anchor)], style: style)
    }

    /// Runs of text in one style, in one call.
    func texts(_ runs: [Run], style: TextStyle) {
        guard runs.contains(where: { !$0.text.isEmpty }) else { return }
        cairo_set_source_rgb(context, style.grey, style.grey, style.grey)
        show(runs, font: Font(style))
    }

    /// `text` broken into lines no wider than `width`, at spaces where it can be,
    /// inside a word where one word is wider than the line.
    ///
    /// Works on the UTF-8 bytes: a register's PDF wraps thousands of cells, and
    /// substrings and characters made most of its time.
    func wrapped(_ text: String, style: TextStyle, width: Double) -> [String] {
        let font = Font(style)
        var text = text
        return text.withUTF8 { bytes in
            // Advances add up (the text is not kerned), so each word is measured once.
            func advance(_ range: Range<Int>) -> Double { Glyphs.advance(utf8: bytes[range], bold: font.bold) * font.size }
            let space = font.advance(" ")
            var lines: [String] = []
            var line: [UInt8] = [], lineWidth = 0.0
            func endLine() {
                lines.append(String(decoding: line, as: UTF8.self))
                line.removeAll(keepingCapacity: true)
                lineWidth = 0
            }
            func words(in paragraph: Range<Int>, _ body: (Range<Int>) -> Void) {
                var start = paragraph.lowerBound
                for index in paragraph where bytes[index] == UInt8(ascii: " ") {
                    if index > start { body(start..<index) }
                    start = index + 1
                }
                if paragraph.upperBound > start { body(start..<paragraph.upperBound) }
            }
            var paragraphStart = 0
            for end in bytes.indices.filter({ bytes[$0] == UInt8(ascii: "\n") }) + [bytes.count] {
                words(in: paragraphStart..<end) { word in
                    let wordWidth = advance(word)
                    if line.isEmpty ? wordWidth <= width : lineWidth + space + wordWidth <= width {
                        if !line.isEmpty { line.append(UInt8(ascii: " ")) }
                        lineWidth += line.isEmpty ? wordWidth : space + wordWidth
                        line.append(contentsOf: bytes[word])
                        return
                    }
                    if !line.isEmpty { endLine() }
                    if wordWidth <= width {
                        line.append(contentsOf: bytes[word])
                        lineWidth = wordWidth
                        return
                    }
                    for character in String(decoding: bytes[word], as: UTF8.self) {
                        let characterWidth = font.advance(String(character))
                        if !line.isEmpty, lineWidth + characterWidth > width { endLine() }
                        line.append(contentsOf: String(character).utf8)
                        lineWidth += characterWidth
                    }
                }
                endLine()
                paragraphStart = end + 1
            }
            return lines
        }
    }

    /// `text` shortened with an ellipsis to fit `width`.
    func fitted(_ text: String, style: TextStyle, width: Double) -> String {
        let font = Font(style)
        guard font.advance(text) > width else { return text }
        var characters = Array(text)
        while !characters.isEmpty, font.advance(String(characters) + "…") > width { characters.removeLast() }
        return String(characters) + "…"
    }

    /// A straight line.
    struct Rule {
        let from: (x: Double, y: Double)
        let to: (x: Double, y: Double)
        let width: Double
        let grey: Double
    }

    func line(from: (x: Double, y: Double), to: (x: Double, y: Double), width: Double, grey: Double) {
        lines([Rule(from: from, to: to, width: width, grey: grey)])
    }

    /// `rules`, those of one width and grey in one stroke.
    func lines(_ rules: [Rule]) {
        var start = rules.startIndex
        while start < rules.endIndex {
            let (width, grey) = (rules[start].width, rules[start].grey)
            let end = rules[start...].firstIndex { $0.width != width || $0.grey != grey } ?? rules.endIndex
            cairo_set_source_rgb(context, grey, grey, grey)
            cairo_set_line_width(context, width)
            for rule in rules[start..<end] {
                cairo_move_to(context, rule.from.x, rule.from.y)
                cairo_line_to(context, rule.to.x, rule.to.y)
            }
            cairo_stroke(context)
            start = end
        }
    }

    func fill(x: Double, y: Double, width: Double, height: Double, grey: Double) {
        cairo_set_source_rgb(context, grey, grey, grey)
        cairo_rectangle(context, x, y, width, height)
        cairo_fill(context)
    }

    // MARK: Charts

    /// A chart's operations at `scale` points per chart pixel, its top left at (x, y),
    /// clipped to its own area.
    func draw(_ drawing: ChartDrawing, x: Double, y: Double, scale: Double) {
        cairo_save(context)
        cairo_translate(context, x, y)
        cairo_scale(context, scale, scale)
        cairo_rectangle(context, 0, 0, Double(drawing.width), Double(drawing.height))
        cairo_clip(context)
        colour(drawing.background)
        cairo_paint(context)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_ROUND)
        for operation in drawing.operations { draw(operation) }
        cairo_restore(context)
    }

    private func colour(_ rgb: RGB) {
        cairo_set_source_rgb(context, Double(rgb.red) / 255, Double(rgb.green) / 255, Double(rgb.blue) / 255)
    }

    private func draw(_ operation: ChartDrawing.Operation) {
        switch operation {
        case .rectangle(let x, let y, let width, let height, let rgb):
            colour(rgb)
            cairo_rectangle(context, x, y, width, height)
            cairo_fill(context)
        case .circle(let centre, let radius, let rgb):
            colour(rgb)
            cairo_new_sub_path(context)
            cairo_arc(context, centre.x, centre.y, radius, 0, 2 * Double.pi)
            cairo_fill(context)
        case .polyline(let points, let width, let rgb):
            colour(rgb)
            if points.count == 1 {
                cairo_new_sub_path(context)
                cairo_arc(context, points[0].x, points[0].y, width / 2, 0, 2 * Double.pi)
                cairo_fill(context)
                return
            }
            cairo_set_line_width(context, width)
            cairo_move_to(context, points[0].x, points[0].y)
            for point in points.dropFirst() { cairo_line_to(context, point.x, point.y) }
            cairo_stroke(context)
        case .areaUnder(let points, let baseline, let rgb):
            colour(rgb)
            cairo_move_to(context, points[0].x, baseline)
            for point in points { cairo_line_to(context, point.x, point.y) }
            cairo_line_to(context, points[points.count - 1].x, baseline)
            cairo_close_path(context)
            cairo_fill(context)
        case .ringSegment(let centre, let outer, let inner, let start, let end, let gap, let rgb):
            colour(rgb)
            // Clockwise from twelve o'clock is cairo's angle less a quarter turn;
            // the gap is kept as a width, so each radius gives up its own angle.
            let full = end - start >= 2 * Double.pi - 1e-9
            let outerInset = full ? 0 : min((end - start) / 2, gap / 2 / outer)
            let innerInset = full || inner <= 0 ? 0 : min((end - start) / 2, gap / 2 / inner)
            cairo_new_sub_path(context)
            cairo_arc(context, centre.x, centre.y, outer, start + outerInset - Double.pi / 2, end - outerInset - Double.pi / 2)
            if inner > 0 {
                if full {
                    cairo_close_path(context)
                    cairo_new_sub_path(context)
                }
                cairo_arc_negative(
                    context, centre.x, centre.y, inner, end - innerInset - Double.pi / 2,
                    start + innerInset - Double.pi / 2)
            } else {
                cairo_line_to(context, centre.x, centre.y)
            }
            cairo_close_path(context)
            cairo_set_fill_rule(context, CAIRO_FILL_RULE_EVEN_ODD)
            cairo_fill(context)
            cairo_set_fill_rule(context, CAIRO_FILL_RULE_WINDING)
        case .text(let text, let at, let font, let size, let rgb, let anchor):
            colour(rgb)
            // libgd sizes text in points at 96 pixels per inch; here a unit is a pixel.
            show([Run(text: text, x: at.x, baseline: at.y, anchor: anchor)], font: Font(bold: font.isBold, size: size * 96 / 72))
        }
    }
}

extension Pen.Font {
    init(_ style: TextStyle) { self.init(bold: style.bold, size: style.size) }
}
