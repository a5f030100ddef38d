import QuorumModel

/// A rectangle in pixels.
struct Box {
    var left: Double, top: Double, right: Double, bottom: Double
    var width: Double { right - left }
    var height: Double { bottom - top }

    func overlaps(_ other: Box) -> Bool {
        left < other.right && other.left < right && top < other.bottom && other.top < bottom
    }
}

/// Type sizes in points at 1×.
enum TypeSize {
    static let title = 13.0, subtitle = 10.0, legend = 9.5, axis = 9.0, valueLabel = 8.5, source = 8.0
}

/// The layout of one chart: header (title, subtitle, legend), plot, footnote.
struct Painter {
    let style: ChartStyle
    var theme: Theme { style.theme }
    /// Pixels per 1× pixel.
    var unit: Double { Double(style.scale) }
    /// The narrow layout is read on a phone held closer than a screen, and shown
    /// unscaled: its type is a little larger, and what sits side by side in the
    /// wide layout is stacked.
    var narrow: Bool { style.narrow }
    /// How many lines a title, subtitle or note may take before it is shortened.
    var lineLimit: Int { narrow ? 8 : 2 }

    var wording: Wording { Wording(style.language) }
    /// A figure as the chart's language writes it.
    func label(_ point: ChartPoint) -> String { point.label(in: style.language) }

    func points(_ size: Double) -> Double { size * unit * (narrow ? 1.1 : 1) }
    func pixels(_ size: Double) -> Double { size * unit }

    // MARK: Frame

    func draw(_ data: ChartData, on canvas: Sketch) throws(ChartError) {
        if style.kind == .sparkline {
            try drawSparkline(data, on: canvas)
            return
        }
        let plot = try frame(data, on: canvas)
        guard !data.isEmpty, plot.height > pixels(20) else {
            try canvas.text(
                wording.noData, x: (plot.left + plot.right) / 2, y: (plot.top + plot.bottom) / 2,
                size: points(11), color: theme.mutedText, anchor: .middle)
            return
        }
        switch style.kind {
        case .bars, .groupedBars, .stackedBars, .line, .area:
            try drawColumns(data, in: plot, on: canvas)
        case .horizontalBars:
            try drawRows(data, in: plot, on: canvas)
        case .donut:
            try drawDonut(data, in: plot, on: canvas)
        case .progress:
            try drawProgress(data, in: plot, on: canvas)
        case .sparkline:
            break
        }
    }

    /// Draws what surrounds the plot: title, subtitle and legend above it, the
    /// notes and the source under it; returns the box left for the plot.
    func frame(_ data: ChartData, on canvas: Sketch) throws(ChartError) -> Box {
        let width = Double(canvas.width), height = Double(canvas.height)
        let padding = pixels(18)
        var top = pixels(16)
        // A title too long for one line (Russian runs a third longer than English) takes two;
        // on a phone, text takes the lines it needs, and the chart is as tall as that makes it.
        for (index, text) in try wrap(style.title, font: .bold, size: points(TypeSize.title), width: width - 2 * padding, lines: lineLimit)
            .enumerated()
        {
            top = try line(
                text, at: top + (index > 0 ? pixels(2) : 0), font: .bold, size: TypeSize.title, colour: theme.text,
                canvas: canvas, width: width - 2 * padding, left: padding)
        }
        if !style.subtitle.isEmpty {
            for text in try wrap(style.subtitle, size: points(TypeSize.subtitle), width: width - 2 * padding, lines: lineLimit) {
                top = try line(
                    text, at: top + pixels(3), font: .regular, size: TypeSize.subtitle,
                    colour: theme.mutedText, canvas: canvas, width: width - 2 * padding, left: padding)
            }
        }
        var bottom = height - pixels(12)
        // Under the plot: what the marks mean and what the chart covers, then the source.
        let footnotes = data.notes + (style.source.isEmpty ? [] : [wording.sourcePrefix + style.source])
        if !footnotes.isEmpty {
            let size = points(TypeSize.source)
            let metrics = try Canvas.measure(wording.sourcePrefix + "Ag", font: .regular, size: size)
            let lineHeight = metrics.ascent + metrics.descent + pixels(2)
            var lines: [String] = []
            for note in footnotes { lines += try wrap(note, size: size, width: width - 2 * padding, lines: lineLimit) }
            for (index, text) in lines.enumerated() {
                try canvas.text(
                    text, x: padding, y: bottom - metrics.descent - lineHeight * Double(lines.count - 1 - index),
                    size: size, color: theme.mutedText)
            }
            bottom -= lineHeight * Double(lines.count) + pixels(8)
        }
        // The reference line has no labels: its legend entry carries the mark of a derived figure.
        let legendSeries =
            data.series.map(\.name)
            + (data.reference.map { reference in
                [reference.name + (reference.points.contains { $0?.derivation != nil } ? " " + ChartMark.derived : "")]
            } ?? [])
        if !data.isEmpty, legendSeries.count > 1, [.bars, .groupedBars, .stackedBars, .line, .area, .horizontalBars].contains(style.kind) {
            top = try legend(
                legendSeries, referenceLast: data.reference != nil, at: top + pixels(8), canvas: canvas,
                left: padding, width: width - 2 * padding)
        }
        return Box(left: padding, top: top + pixels(14), right: width - padding, bottom: bottom)
    }

    /// The height in CSS pixels of the narrow layout of `data`: what its frame takes
    /// as the text wraps at the narrow width, and a plot tall enough for what the
    /// narrow layout stacks in it (a label over each horizontal bar, the legend
    /// under a donut, a progress bar's figures one under another).
    func narrowHeight(_ data: ChartData) throws(ChartError) -> Int {
        let tall = 8000
        let plot = try frame(data, on: try Sketch(width: style.width * style.scale, height: tall, background: theme.background))
        let series = Double(max(1, data.series.count)), categories = Double(data.categories.count)
        let plotHeight: Double
        switch style.kind {
        case .horizontalBars: plotHeight = categories * (28 + 24 * series) + 24
        case .donut: plotHeight = 236 + 26 * categories
        case .progress: plotHeight = 100 + 24 * categories
        case .bars, .groupedBars, .stackedBars, .line, .area, .sparkline: plotHeight = 260
        }
        return Int((Double(tall) - plot.height) / unit + plotHeight)
    }

    /// One line of text below `top`, shortened to fit; returns the new top.
    func line(
        _ text: String, at top: Double, font: ChartFont, size: Double, colour: RGB,
        canvas: Sketch, width: Double, left: Double
    ) throws(ChartError) -> Double {
        let size = points(size)
        let metrics = try Canvas.measure("Ag", font: font, size: size)
        try canvas.text(
            try fit(text, font: font, size: size, width: width), x: left, y: top + metrics.ascent,
            font: font, size: size, color: colour)
        return top + metrics.ascent + metrics.descent
    }

    /// `text`, shortened with an ellipsis until it is at most `width` wide.
    func fit(_ text: String, font: ChartFont = .regular, size: Double, width: Double) throws(ChartError) -> String {
        if try Canvas.measure(text, font: font, size: size).width <= width { return text }
        let characters = Array(text)
        var low = 0, high = characters.count
        while low < high {
            let middle = (low + high + 1) / 2
            let candidate = String(characters[..<middle]).trimmingTrailingSpaces + "…"
            if try Canvas.measure(candidate, font: font, size: size).width <= width { low = middle } else { high = middle - 1 }
        }
        return low == 0 ? "…" : String(characters[..<low]).trimmingTrailingSpaces + "…"
    }

    /// `text` in at most `lines` lines of `width`, broken between words (and
    /// between ideographs, since Chinese and Japanese are written without spaces);
    /// the last line ends in an ellipsis when the text does not fit.
    func wrap(_ text: String, font: ChartFont = .regular, size: Double, width: Double, lines: Int) throws(ChartError) -> [String] {
        // Pieces are measured one by one (the same words recur in every chart), and a
        // line's width is their sum with the spaces between: kerning across a break is nil.
        let space = try Canvas.measure(" ", font: font, size: size).width
        var result: [String] = []
        var pieces = LineBreaks.pieces(of: text)
        while !pieces.isEmpty {
            if result.count == lines - 1 {
                result.append(try fit(LineBreaks.joined(pieces), font: font, size: size, width: width))
                break
            }
            var taken = [pieces.removeFirst()]
            var lineWidth = try Canvas.measure(taken[0].text, font: font, size: size).width
            while let next = pieces.first {
                let gap = next.spaceBefore ? space : 0
                let nextWidth = try Canvas.measure(next.text, font: font, size: size).width
                guard lineWidth + gap + nextWidth <= width else { break }
                taken.append(pieces.removeFirst())
                lineWidth += gap + nextWidth
            }
            // The sum of the pieces can fall short of the whole by a few pixels (each is
            // measured by its ink): the line as drawn is measured, and given back a piece
            // at a time until it fits.
            while taken.count > 1, try Canvas.measure(LineBreaks.joined(taken), font: font, size: size).width > width {
                pieces.insert(taken.removeLast(), at: 0)
            }
            let line = LineBreaks.joined(taken)
            result.append(taken.count == 1 ? try fit(line, font: font, size: size, width: width) : line)
        }
        return result
    }

    /// Swatches and names in rows; returns the new top.
    func legend(
        _ names: [String], referenceLast: Bool, at top: Double, canvas: Sketch,
        left: Double, width: Double
    ) throws(ChartError) -> Double {
        let size = points(TypeSize.legend)
        let metrics = try Canvas.measure("Ag", size: size)
        let rowHeight = metrics.ascent + metrics.descent + pixels(6)
        let swatch = pixels(10), gap = pixels(6), spacing = pixels(18)
        var x = left, y = top
        for (index, name) in names.enumerated() {
            let label = try fit(name, size: size, width: narrow ? width - swatch - gap : width / 2)
            let itemWidth = swatch + gap + (try Canvas.measure(label, size: size).width)
            if x > left && x + itemWidth > left + width {
                x = left
                y += rowHeight
            }
            let middle = y + metrics.ascent / 2 + pixels(1)
            if referenceLast && index == names.count - 1 {
                canvas.strokePolyline([(x, middle), (x + swatch, middle)], width: pixels(2), color: theme.text)
            } else {
                canvas.fillRect(x: x, y: middle - swatch / 2, width: swatch, height: swatch, color: theme.colour(index))
            }
            try canvas.text(label, x: x + swatch + gap, y: y + metrics.ascent, size: size, color: theme.text)
            x += itemWidth + spacing
        }
        return y + metrics.ascent + metrics.descent
    }

    /// Whether a point's figure is written next to it.
    func labelled(_ point: ChartPoint) -> Bool { style.valueLabels || point.isQualified }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
