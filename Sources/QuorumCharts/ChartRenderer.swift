import QuorumModel

/// Draws charts: `png(data, style)` and `drawing(data, style)` are pure functions
/// of their arguments, so the same snapshot and spec always give the same bytes.
public enum ChartRenderer {
    public static func png(_ data: ChartData, style: ChartStyle) throws(ChartError) -> [UInt8] {
        guard style.scale == 1 || style.scale == 2 else { throw ChartError.data("scale must be 1 or 2") }
        let canvas = try Canvas.raster(try drawing(data, style: style))
        let theme = style.theme
        return try canvas.png(palette: true, exactColours: [theme.background, theme.text, theme.grid] + theme.series)
    }

    /// The chart laid out for `style`, to be drawn on any surface.
    public static func drawing(_ data: ChartData, style: ChartStyle) throws(ChartError) -> ChartDrawing {
        let sketch = try Sketch(width: style.width * style.scale, height: style.height * style.scale,
                                background: style.theme.background)
        try Painter(style: style).draw(data, on: sketch)
        return sketch.drawing
    }
}

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
private enum TypeSize {
    static let title = 13.0, subtitle = 10.0, legend = 9.5, axis = 9.0, valueLabel = 8.5, source = 8.0
}

/// The layout of one chart: header (title, subtitle, legend), plot, footnote.
struct Painter {
    let style: ChartStyle
    var theme: Theme { style.theme }
    /// Pixels per 1× pixel.
    var unit: Double { Double(style.scale) }

    func points(_ size: Double) -> Double { size * unit }
    func pixels(_ size: Double) -> Double { size * unit }

    // MARK: Frame

    func draw(_ data: ChartData, on canvas: Sketch) throws(ChartError) {
        if style.kind == .sparkline {
            try drawSparkline(data, on: canvas)
            return
        }
        let width = Double(canvas.width), height = Double(canvas.height)
        let padding = pixels(18)
        var top = pixels(16)
        if !style.title.isEmpty {
            top = try line(style.title, at: top, font: .bold, size: TypeSize.title, colour: theme.text,
                           canvas: canvas, width: width - 2 * padding, left: padding)
        }
        if !style.subtitle.isEmpty {
            for text in try wrap(style.subtitle, size: points(TypeSize.subtitle), width: width - 2 * padding, lines: 2) {
                top = try line(text, at: top + pixels(3), font: .regular, size: TypeSize.subtitle,
                               colour: theme.mutedText, canvas: canvas, width: width - 2 * padding, left: padding)
            }
        }
        var bottom = height - pixels(12)
        // Under the plot: what the marks mean and what the chart covers, then the source.
        let footnotes = data.notes + (style.source.isEmpty ? [] : ["Source: " + style.source])
        if !footnotes.isEmpty {
            let size = points(TypeSize.source)
            let metrics = try Canvas.measure("Source: Ag", font: .regular, size: size)
            let lineHeight = metrics.ascent + metrics.descent + pixels(2)
            var lines: [String] = []
            for note in footnotes { lines += try wrap(note, size: size, width: width - 2 * padding, lines: 2) }
            for (index, text) in lines.enumerated() {
                try canvas.text(text, x: padding, y: bottom - metrics.descent - lineHeight * Double(lines.count - 1 - index),
                                size: size, color: theme.mutedText)
            }
            bottom -= lineHeight * Double(lines.count) + pixels(8)
        }
        // The reference line has no labels: its legend entry carries the mark of a derived figure.
        let legendSeries = data.series.map(\.name) + (data.reference.map { reference in
            [reference.name + (reference.points.contains { $0?.derivation != nil } ? " " + ChartMark.derived : "")]
        } ?? [])
        if !data.isEmpty, legendSeries.count > 1, [.bars, .groupedBars, .stackedBars, .line, .area, .horizontalBars].contains(style.kind) {
            top = try legend(legendSeries, referenceLast: data.reference != nil, at: top + pixels(8), canvas: canvas,
                             left: padding, width: width - 2 * padding)
        }
        let plot = Box(left: padding, top: top + pixels(14), right: width - padding, bottom: bottom)
        guard !data.isEmpty, plot.height > pixels(20) else {
            try canvas.text("No data", x: (plot.left + plot.right) / 2, y: (plot.top + plot.bottom) / 2,
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

    /// One line of text below `top`, shortened to fit; returns the new top.
    private func line(_ text: String, at top: Double, font: ChartFont, size: Double, colour: RGB,
                      canvas: Sketch, width: Double, left: Double) throws(ChartError) -> Double {
        let size = points(size)
        let metrics = try Canvas.measure("Ag", font: font, size: size)
        try canvas.text(try fit(text, font: font, size: size, width: width), x: left, y: top + metrics.ascent,
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

    /// `text` in at most `lines` lines of `width`, broken between words; the last
    /// line ends in an ellipsis when the text does not fit.
    func wrap(_ text: String, font: ChartFont = .regular, size: Double, width: Double, lines: Int) throws(ChartError) -> [String] {
        // Words are measured one by one (the same words recur in every chart), and a
        // line's width is their sum with the spaces between: kerning across a space is nil.
        let space = try Canvas.measure(" ", font: font, size: size).width
        var result: [String] = []
        var words = text.split(separator: " ").map(String.init)
        while !words.isEmpty {
            if result.count == lines - 1 {
                result.append(try fit(words.joined(separator: " "), font: font, size: size, width: width))
                break
            }
            var line = words.removeFirst()
            var lineWidth = try Canvas.measure(line, font: font, size: size).width
            while let next = words.first {
                let nextWidth = try Canvas.measure(next, font: font, size: size).width
                // A little room to spare: the sum of the words can fall short of the whole by a pixel.
                guard lineWidth + space + nextWidth <= width * 0.985 else { break }
                line += " " + words.removeFirst()
                lineWidth += space + nextWidth
            }
            result.append(lineWidth <= width ? line : try fit(line, font: font, size: size, width: width))
        }
        return result
    }

    /// Swatches and names in rows; returns the new top.
    private func legend(_ names: [String], referenceLast: Bool, at top: Double, canvas: Sketch,
                        left: Double, width: Double) throws(ChartError) -> Double {
        let size = points(TypeSize.legend)
        let metrics = try Canvas.measure("Ag", size: size)
        let rowHeight = metrics.ascent + metrics.descent + pixels(6)
        let swatch = pixels(10), gap = pixels(6), spacing = pixels(18)
        var x = left, y = top
        for (index, name) in names.enumerated() {
            let label = try fit(name, size: size, width: width / 2)
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
    private func labelled(_ point: ChartPoint) -> Bool { style.valueLabels || point.isQualified }

    // MARK: Vertical axes: bars, grouped, stacked, lines, areas

    private func drawColumns(_ data: ChartData, in plot: Box, on canvas: Sketch) throws(ChartError) {
        let stacked = style.kind == .stackedBars
        let categoryCount = data.categories.count
        var largest = 0.0
        for index in 0..<categoryCount {
            let values = data.series.compactMap { ($0.points[safe: index] ?? nil)?.value }
            largest = max(largest, stacked ? values.reduce(0, +) : values.max() ?? 0)
            if let reference = data.reference?.points[safe: index] ?? nil { largest = max(largest, reference.value) }
        }
        let anyLabel = data.series.contains { $0.points.contains { $0.map(labelled) ?? false } }
        let axisSize = points(TypeSize.axis)
        let axisMetrics = try Canvas.measure("0123456789", size: axisSize)
        var plot = plot
        plot.bottom -= axisMetrics.ascent + axisMetrics.descent + pixels(8)
        let ticks = AxisTicks(covering: largest * (anyLabel ? 1.1 : 1), target: max(2, Int(plot.height / pixels(50))))
        let tickLabels = ticks.values.map(NumberFormat.grouped)
        var labelWidth = 0.0
        for label in tickLabels { labelWidth = max(labelWidth, try Canvas.measure(label, size: axisSize).width) }
        plot.left += labelWidth + pixels(10)

        func y(_ value: Double) -> Double { plot.bottom - value / ticks.maximum * plot.height }
        for (value, label) in zip(ticks.values, tickLabels) {
            let position = y(value).rounded()
            canvas.fillRect(x: plot.left, y: position, width: plot.width, height: unit,
                            color: value == 0 ? theme.axis : theme.grid)
            try canvas.text(label, x: plot.left - pixels(8), y: position + axisMetrics.ascent / 2 - unit,
                            size: axisSize, color: theme.mutedText, anchor: .end)
        }
        let band = plot.width / Double(categoryCount)
        for (index, category) in data.categories.enumerated() {
            let label = try fit(category, size: axisSize, width: band - pixels(6))
            try canvas.text(label, x: plot.left + band * (Double(index) + 0.5), y: plot.bottom + pixels(6) + axisMetrics.ascent,
                            size: axisSize, color: theme.text, anchor: .middle)
        }

        switch style.kind {
        case .line, .area:
            try drawLines(data, band: band, plot: plot, y: y, on: canvas)
        default:
            try drawBars(data, stacked: stacked, band: band, plot: plot, y: y, on: canvas)
        }
        if let reference = data.reference {
            let runs = polylines(reference, band: band, left: plot.left, y: y)
            for run in runs { dashed(run, on: canvas) }
        }
        // Redraw the zero line over the bars' feet.
        canvas.fillRect(x: plot.left, y: y(0).rounded(), width: plot.width, height: unit, color: theme.axis)
    }

    private func drawBars(_ data: ChartData, stacked: Bool, band: Double, plot: Box, y: (Double) -> Double,
                          on canvas: Sketch) throws(ChartError) {
        let seriesCount = stacked ? 1 : data.series.count
        let groupWidth = min(band * (seriesCount == 1 ? 0.62 : 0.78), pixels(64) * Double(seriesCount))
        let gap = seriesCount > 1 ? pixels(2) : 0
        let barWidth = (groupWidth - gap * Double(seriesCount - 1)) / Double(seriesCount)
        let labelSize = points(TypeSize.valueLabel)
        let labelMetrics = try Canvas.measure("0123456789", size: labelSize)
        for index in data.categories.indices {
            let groupLeft = plot.left + band * Double(index) + (band - groupWidth) / 2
            var base = 0.0
            var stackQualifiers: [Qualifier] = []
            for (number, series) in data.series.enumerated() {
                guard let point = series.points[safe: index] ?? nil else { continue }
                let colour = theme.colour(number)
                let left = stacked ? groupLeft : groupLeft + Double(number) * (barWidth + gap)
                let top = y(base + point.value), bottom = y(base)
                // A hairline of background between stacked segments keeps them apart.
                let separator = stacked && base > 0 ? unit : 0
                canvas.fillRect(x: left, y: top, width: barWidth, height: bottom - top - separator, color: colour)
                if stacked {
                    stackQualifiers.append(point.qualifier)
                    if labelled(point), bottom - top >= labelMetrics.ascent + pixels(6),
                       try Canvas.measure(point.label, size: labelSize).width <= barWidth - pixels(4) {
                        try canvas.text(point.label, x: left + barWidth / 2, y: (top + bottom) / 2 + labelMetrics.ascent / 2,
                                        size: labelSize, color: theme.label(on: colour), anchor: .middle)
                    }
                    base += point.value
                } else if labelled(point) {
                    try canvas.text(point.label, x: left + barWidth / 2, y: top - pixels(5), size: labelSize,
                                    color: theme.text, anchor: .middle)
                }
            }
            if stacked, style.valueLabels, base > 0 {
                let total = ChartPoint(base, Qualifier.combined(stackQualifiers))
                try canvas.text(total.label, x: groupLeft + groupWidth / 2, y: y(base) - pixels(5), font: .bold,
                                size: labelSize, color: theme.text, anchor: .middle)
            }
        }
    }

    private func drawLines(_ data: ChartData, band: Double, plot: Box, y: (Double) -> Double,
                           on canvas: Sketch) throws(ChartError) {
        let labelSize = points(TypeSize.valueLabel)
        let labelMetrics = try Canvas.measure("0123456789+", size: labelSize)
        var taken: [Box] = []
        if style.kind == .area {
            for (number, series) in data.series.enumerated() {
                for run in polylines(series, band: band, left: plot.left, y: y) where run.count > 1 {
                    canvas.fillUnderPolyline(run, baseline: y(0),
                                             color: theme.colour(number).mixed(over: theme.background, amount: 0.28))
                }
            }
        }
        // Every line and marker first, so that no label is placed over a marker of another series.
        for (number, series) in data.series.enumerated() {
            let colour = theme.colour(number)
            for run in polylines(series, band: band, left: plot.left, y: y) {
                canvas.strokePolyline(run, width: pixels(2.5), color: colour)
            }
            for (index, point) in series.points.enumerated() {
                guard let point else { continue }
                let x = plot.left + band * (Double(index) + 0.5), top = y(point.value)
                canvas.fillCircle(centreX: x, centreY: top, radius: pixels(5.5), color: theme.background)
                canvas.fillCircle(centreX: x, centreY: top, radius: pixels(4), color: colour)
                taken.append(Box(left: x - pixels(5.5), top: top - pixels(5.5), right: x + pixels(5.5), bottom: top + pixels(5.5)))
            }
        }
        for series in data.series {
            for (index, point) in series.points.enumerated() {
                guard let point, labelled(point) else { continue }
                let x = plot.left + band * (Double(index) + 0.5), top = y(point.value)
                // Above the marker, else below it, else beside it; an exact figure whose label would
                // overlap another is left to the table, one a reader must be told about is always written.
                let labelWidth = try Canvas.measure(point.label, size: labelSize).width
                let above = top - pixels(10), below = top + pixels(10) + labelMetrics.ascent
                var candidates = [above, below].map { baseline in
                    Box(left: x - labelWidth / 2 - pixels(2), top: baseline - labelMetrics.ascent - pixels(1),
                        right: x + labelWidth / 2 + pixels(2), bottom: baseline + labelMetrics.descent)
                }
                let beside = top + labelMetrics.ascent / 2
                candidates.append(Box(left: x + pixels(8), top: beside - labelMetrics.ascent - pixels(1),
                                      right: x + pixels(12) + labelWidth, bottom: beside + labelMetrics.descent))
                let free = candidates.first { box in
                    box.top >= plot.top - pixels(12) && box.bottom <= plot.bottom - unit && box.right <= plot.right + pixels(14)
                        && !taken.contains { $0.overlaps(box) }
                }
                guard let place = free ?? (point.isQualified ? candidates[0] : nil) else { continue }
                taken.append(place)
                try canvas.text(point.label, x: (place.left + place.right) / 2, y: place.bottom - labelMetrics.descent,
                                size: labelSize, color: theme.text, anchor: .middle)
            }
        }
    }

    /// The points of a series as runs of consecutive figures (a gap breaks the line).
    private func polylines(_ series: ChartSeries, band: Double, left: Double, y: (Double) -> Double) -> [[(x: Double, y: Double)]] {
        var runs: [[(x: Double, y: Double)]] = [[]]
        for (index, point) in series.points.enumerated() {
            if let point {
                runs[runs.count - 1].append((left + band * (Double(index) + 0.5), y(point.value)))
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    /// A reference line: dashed, in the text colour, so it reads as "measured against".
    private func dashed(_ run: [(x: Double, y: Double)], on canvas: Sketch) {
        let dash = pixels(7), space = pixels(4)
        for (a, b) in zip(run, run.dropFirst()) {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            var travelled = 0.0
            while travelled < length {
                let end = min(length, travelled + dash)
                let from = (a.x + (b.x - a.x) * travelled / length, a.y + (b.y - a.y) * travelled / length)
                let to = (a.x + (b.x - a.x) * end / length, a.y + (b.y - a.y) * end / length)
                canvas.strokePolyline([from, to], width: pixels(2), color: theme.text)
                travelled = end + space
            }
        }
        if run.count == 1 {
            canvas.strokePolyline([(run[0].x - pixels(12), run[0].y), (run[0].x + pixels(12), run[0].y)],
                                  width: pixels(2), color: theme.text)
        }
    }

    // MARK: Horizontal bars

    private func drawRows(_ data: ChartData, in plot: Box, on canvas: Sketch) throws(ChartError) {
        let axisSize = points(TypeSize.axis), labelSize = points(TypeSize.valueLabel)
        let axisMetrics = try Canvas.measure("0123456789", size: axisSize)
        let categorySize = points(TypeSize.legend)
        var plot = plot
        var categoryWidth = 0.0
        for category in data.categories { categoryWidth = max(categoryWidth, try Canvas.measure(category, size: categorySize).width) }
        categoryWidth = min(categoryWidth, plot.width * 0.38)
        plot.left += categoryWidth + pixels(10)
        plot.bottom -= axisMetrics.ascent + axisMetrics.descent + pixels(8)
        let largest = data.series.flatMap { $0.points.compactMap { $0?.value } }.max() ?? 0
        let anyLabel = data.series.contains { $0.points.contains { $0.map(labelled) ?? false } }
        // Room at the end of the longest bar for its label.
        let ticks = AxisTicks(covering: largest * (anyLabel ? 1.15 : 1), target: max(2, Int(plot.width / pixels(90))))
        plot.right -= try Canvas.measure(NumberFormat.grouped(ticks.maximum), size: axisSize).width / 2
        func x(_ value: Double) -> Double { plot.left + value / ticks.maximum * plot.width }
        for value in ticks.values {
            let position = x(value).rounded()
            canvas.fillRect(x: position, y: plot.top, width: unit, height: plot.height, color: value == 0 ? theme.axis : theme.grid)
            try canvas.text(NumberFormat.grouped(value), x: position, y: plot.bottom + pixels(6) + axisMetrics.ascent,
                            size: axisSize, color: theme.mutedText, anchor: .middle)
        }
        let band = plot.height / Double(data.categories.count)
        let seriesCount = data.series.count
        let groupHeight = min(band * 0.7, pixels(26) * Double(seriesCount))
        let barHeight = groupHeight / Double(seriesCount)
        let categoryMetrics = try Canvas.measure("Ag", size: categorySize)
        for (index, category) in data.categories.enumerated() {
            let middle = plot.top + band * (Double(index) + 0.5)
            let label = try fit(category, size: categorySize, width: categoryWidth)
            try canvas.text(label, x: plot.left - pixels(10), y: middle + categoryMetrics.ascent / 2 - unit,
                            size: categorySize, color: theme.text, anchor: .end)
            for (number, series) in data.series.enumerated() {
                guard let point = series.points[safe: index] ?? nil else { continue }
                let top = middle - groupHeight / 2 + Double(number) * barHeight
                let gap = seriesCount > 1 ? unit : 0
                canvas.fillRect(x: x(0), y: top, width: x(point.value) - x(0), height: barHeight - gap, color: theme.colour(number))
                if labelled(point) {
                    try canvas.text(point.label, x: x(point.value) + pixels(6), y: top + barHeight / 2 + categoryMetrics.ascent / 2 - unit,
                                    size: labelSize, color: theme.text)
                }
            }
        }
        canvas.fillRect(x: x(0).rounded(), y: plot.top, width: unit, height: plot.height, color: theme.axis)
    }

    // MARK: Donut

    private func drawDonut(_ data: ChartData, in plot: Box, on canvas: Sketch) throws(ChartError) {
        let points = data.categories.indices.map { data.series[0].points[safe: $0] ?? nil }
        let total = points.reduce(0) { $0 + ($1?.value ?? 0) }
        let diameter = min(plot.height, plot.width * 0.45)
        let outer = diameter / 2, inner = outer * 0.6
        let centreX = plot.left + outer + pixels(8), centreY = (plot.top + plot.bottom) / 2
        if total > 0 {
            var angle = 0.0
            for (index, point) in points.enumerated() {
                guard let point, point.value > 0 else { continue }
                let sweep = point.value / total * 2 * Double.pi
                canvas.fillRingSegment(centreX: centreX, centreY: centreY, outer: outer, inner: inner,
                                       start: angle, end: angle + sweep, gap: points.count > 1 ? pixels(2) : 0,
                                       color: theme.colour(index))
                angle += sweep
            }
        } else {
            canvas.fillRingSegment(centreX: centreX, centreY: centreY, outer: outer, inner: inner,
                                   start: 0, end: 2 * Double.pi, gap: 0, color: theme.track)
        }
        let totalPoint = ChartPoint(total, Qualifier.combined(points.compactMap { $0?.qualifier }))
        let big = self.points(18)
        let bigMetrics = try Canvas.measure(totalPoint.label, font: .bold, size: big)
        try canvas.text(totalPoint.label, x: centreX, y: centreY + pixels(2), font: .bold, size: big, color: theme.text, anchor: .middle)
        try canvas.text(style.totalCaption, x: centreX, y: centreY + pixels(2) + bigMetrics.descent + pixels(14),
                        size: self.points(TypeSize.axis), color: theme.mutedText, anchor: .middle)

        let size = self.points(TypeSize.legend)
        let metrics = try Canvas.measure("Ag", size: size)
        let rowHeight = metrics.ascent + metrics.descent + pixels(10)
        let legendLeft = centreX + outer + pixels(36)
        var y = centreY - rowHeight * Double(data.categories.count) / 2 + metrics.ascent
        let width = min(plot.right - legendLeft, pixels(300))
        for (index, category) in data.categories.enumerated() {
            let point = points[index]
            let share = total > 0 ? " (\(Int(((point?.value ?? 0) / total * 100).rounded()))%)" : ""
            let figure = (point?.label ?? "–") + share
            let figureWidth = try Canvas.measure(figure, font: .bold, size: size).width
            canvas.fillRect(x: legendLeft, y: y - metrics.ascent / 2 - pixels(5), width: pixels(10), height: pixels(10),
                            color: theme.colour(index))
            let label = try fit(category, size: size, width: width - figureWidth - pixels(32))
            try canvas.text(label, x: legendLeft + pixels(16), y: y, size: size, color: theme.text)
            try canvas.text(figure, x: legendLeft + width, y: y, font: .bold, size: size, color: theme.text, anchor: .end)
            y += rowHeight
        }
    }

    // MARK: Progress

    private func drawProgress(_ data: ChartData, in plot: Box, on canvas: Sketch) throws(ChartError) {
        let points = data.categories.indices.map { data.series[0].points[safe: $0] ?? nil }
        let done = points.first.flatMap { $0 } ?? ChartPoint(0)
        let rest = points.dropFirst().compactMap { $0 }
        let total = ChartPoint(done.value + rest.reduce(0) { $0 + $1.value },
                               Qualifier.combined([done.qualifier] + rest.map(\.qualifier)))
        let headline = "\(done.label) of \(total.label)"
        let big = self.points(22)
        let bigMetrics = try Canvas.measure(headline, font: .bold, size: big)
        let barHeight = min(pixels(28), plot.height / 4)
        let legendSize = self.points(TypeSize.legend)
        let legendMetrics = try Canvas.measure("Ag", size: legendSize)
        let block = bigMetrics.ascent + bigMetrics.descent + pixels(14) + barHeight + pixels(16) + legendMetrics.ascent
        var y = plot.top + max(0, (plot.height - block) / 2) + bigMetrics.ascent
        try canvas.text(headline, x: plot.left, y: y, font: .bold, size: big, color: theme.text)
        if total.value > 0 {
            let percent = "\(Int((done.value / total.value * 100).rounded()))%"
            try canvas.text(percent, x: plot.right, y: y, font: .bold, size: big, color: theme.mutedText, anchor: .end)
        }
        y += bigMetrics.descent + pixels(14)
        canvas.fillRect(x: plot.left, y: y, width: plot.width, height: barHeight, color: theme.track)
        let share = total.value > 0 ? min(1, done.value / total.value) : 0
        canvas.fillRect(x: plot.left, y: y, width: plot.width * share, height: barHeight, color: theme.colour(0))
        // A tick per unit when the total is small, so "11 of 14" can be counted.
        if total.value > 1, total.value <= 40, total.value.rounded() == total.value {
            for step in 1..<Int(total.value) {
                let x = plot.left + plot.width * Double(step) / total.value
                canvas.fillRect(x: x.rounded(), y: y, width: unit * 2, height: barHeight, color: theme.background)
            }
        }
        y += barHeight + pixels(16) + legendMetrics.ascent
        var x = plot.left
        for (index, category) in data.categories.enumerated() {
            let figure = points[index]?.label ?? "–"
            canvas.fillRect(x: x, y: y - legendMetrics.ascent / 2 - pixels(5), width: pixels(10), height: pixels(10),
                            color: index == 0 ? theme.colour(0) : theme.track)
            let label = try fit(category, size: legendSize, width: plot.width / Double(data.categories.count) - pixels(60))
            x += pixels(16)
            x += try canvas.text(label, x: x, y: y, size: legendSize, color: theme.text) + pixels(6)
            x += try canvas.text(figure, x: x, y: y, font: .bold, size: legendSize, color: theme.text) + pixels(24)
        }
    }

    // MARK: Sparkline

    private func drawSparkline(_ data: ChartData, on canvas: Sketch) throws(ChartError) {
        guard let series = data.series.first, !data.isEmpty else {
            canvas.fillRect(x: pixels(3), y: (Double(canvas.height) / 2).rounded(), width: Double(canvas.width) - pixels(6),
                            height: unit, color: theme.grid)
            return
        }
        let values = series.points.compactMap { $0?.value }
        // A sparkline shows the shape: from the smallest figure to the largest,
        // and the last figure as a reader reads it, with its qualifier and marks.
        let largest = values.max() ?? 0, smallest = values.min() ?? 0
        let margin = pixels(4)
        let lastLabel = series.points.last { $0 != nil }??.label ?? ""
        let labelSize = points(TypeSize.valueLabel)
        let labelMetrics = try Canvas.measure(lastLabel.isEmpty ? "0" : lastLabel, size: labelSize)
        let labelWidth = lastLabel.isEmpty ? 0 : labelMetrics.width + pixels(4)
        let box = Box(left: margin, top: margin, right: Double(canvas.width) - margin - labelWidth, bottom: Double(canvas.height) - margin)
        let count = max(1, series.points.count - 1)
        func x(_ index: Int) -> Double { series.points.count == 1 ? (box.left + box.right) / 2 : box.left + box.width * Double(index) / Double(count) }
        func y(_ value: Double) -> Double {
            largest == smallest ? (box.top + box.bottom) / 2 : box.bottom - (value - smallest) / (largest - smallest) * box.height
        }
        var run: [(x: Double, y: Double)] = []
        for (index, point) in series.points.enumerated() {
            if let point { run.append((x(index), y(point.value))) }
        }
        canvas.fillUnderPolyline(run, baseline: box.bottom + margin, color: theme.colour(0).mixed(over: theme.background, amount: 0.2))
        canvas.strokePolyline(run, width: pixels(1.75), color: theme.colour(0))
        if let last = run.last { canvas.fillCircle(centreX: last.x, centreY: last.y, radius: pixels(2.5), color: theme.colour(0)) }
        // Every other figure a reader must be told about gets a ring; the table says what it is.
        for (index, point) in series.points.enumerated().dropLast() where point?.isQualified == true {
            canvas.fillCircle(centreX: x(index), centreY: y(point!.value), radius: pixels(2.5), color: theme.colour(0))
            canvas.fillCircle(centreX: x(index), centreY: y(point!.value), radius: pixels(1.25), color: theme.background)
        }
        if !lastLabel.isEmpty {
            try canvas.text(lastLabel, x: Double(canvas.width) - margin, y: (Double(canvas.height) + labelMetrics.ascent) / 2 - unit,
                            size: labelSize, color: theme.text, anchor: .end)
        }
    }
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
