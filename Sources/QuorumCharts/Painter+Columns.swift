import Foundation
import QuorumModel

extension Painter {
    // MARK: Vertical axes: bars, grouped, stacked, lines, areas

    func drawColumns(_ data: ChartData, in plot: Box, on canvas: Sketch) throws(ChartError) {
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
        let ticks = AxisTicks(covering: largest * (anyLabel ? 1.1 : 1), target: max(2, Int(plot.height / pixels(narrow ? 64 : 50))))
        let tickLabels = ticks.values.map(wording.number)
        var labelWidth = 0.0
        for tick in tickLabels { labelWidth = max(labelWidth, try Canvas.measure(tick, size: axisSize).width) }
        plot.left += labelWidth + pixels(10)

        func y(_ value: Double) -> Double { plot.bottom - value / ticks.maximum * plot.height }
        for (value, tick) in zip(ticks.values, tickLabels) {
            let position = y(value).rounded()
            canvas.fillRect(
                x: plot.left, y: position, width: plot.width, height: unit,
                color: value == 0 ? theme.axis : theme.grid)
            try canvas.text(
                tick, x: plot.left - pixels(8), y: position + axisMetrics.ascent / 2 - unit,
                size: axisSize, color: theme.mutedText, anchor: .end)
        }
        let band = plot.width / Double(categoryCount)
        let every = try labelStep(data.categories, size: axisSize, band: band)
        for (index, category) in data.categories.enumerated() where (categoryCount - 1 - index) % every == 0 {
            let shown = try fit(category, size: axisSize, width: band * Double(every) - pixels(6))
            try canvas.text(
                shown, x: plot.left + band * (Double(index) + 0.5), y: plot.bottom + pixels(6) + axisMetrics.ascent,
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

    /// Every how many categories a label is written: 1 when all fit their band.
    /// Years and other numbered categories too many for the width are labelled
    /// every second or third (always the last, the latest), as a time axis is;
    /// named categories are each labelled, shortened if they must be.
    func labelStep(_ categories: [String], size: Double, band: Double) throws(ChartError) -> Int {
        var widest = 0.0
        for category in categories { widest = max(widest, try Canvas.measure(category, size: size).width) }
        guard widest > band - pixels(6), categories.allSatisfy({ $0.first?.isNumber == true }) else { return 1 }
        let step = Int(((widest + pixels(6)) / band).rounded(.up))
        return min(max(step, 1), max(categories.count, 1))
    }

    func drawBars(
        _ data: ChartData, stacked: Bool, band: Double, plot: Box, y: (Double) -> Double,
        on canvas: Sketch
    ) throws(ChartError) {
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
                        try Canvas.measure(label(point), size: labelSize).width <= barWidth - pixels(4)
                    {
                        try canvas.text(
                            label(point), x: left + barWidth / 2, y: (top + bottom) / 2 + labelMetrics.ascent / 2,
                            size: labelSize, color: theme.label(on: colour), anchor: .middle)
                    }
                    base += point.value
                } else if labelled(point) {
                    try canvas.text(
                        label(point), x: left + barWidth / 2, y: top - pixels(5), size: labelSize,
                        color: theme.text, anchor: .middle)
                }
            }
            if stacked, style.valueLabels, base > 0 {
                let total = ChartPoint(base, Qualifier.combined(stackQualifiers))
                try canvas.text(
                    label(total), x: groupLeft + groupWidth / 2, y: y(base) - pixels(5), font: .bold,
                    size: labelSize, color: theme.text, anchor: .middle)
            }
        }
    }

    func drawLines(
        _ data: ChartData, band: Double, plot: Box, y: (Double) -> Double,
        on canvas: Sketch
    ) throws(ChartError) {
        let labelSize = points(TypeSize.valueLabel)
        let labelMetrics = try Canvas.measure("0123456789+", size: labelSize)
        var taken: [Box] = []
        if style.kind == .area {
            for (number, series) in data.series.enumerated() {
                for run in polylines(series, band: band, left: plot.left, y: y) where run.count > 1 {
                    canvas.fillUnderPolyline(
                        run, baseline: y(0),
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
                let labelWidth = try Canvas.measure(label(point), size: labelSize).width
                let above = top - pixels(10), below = top + pixels(10) + labelMetrics.ascent
                var candidates = [above, below].map { baseline in
                    Box(
                        left: x - labelWidth / 2 - pixels(2), top: baseline - labelMetrics.ascent - pixels(1),
                        right: x + labelWidth / 2 + pixels(2), bottom: baseline + labelMetrics.descent)
                }
                let beside = top + labelMetrics.ascent / 2
                candidates.append(
                    Box(
                        left: x + pixels(8), top: beside - labelMetrics.ascent - pixels(1),
                        right: x + pixels(12) + labelWidth, bottom: beside + labelMetrics.descent))
                let free = candidates.first { box in
                    box.top >= plot.top - pixels(12) && box.bottom <= plot.bottom - unit && box.right <= plot.right + pixels(14)
                        && !taken.contains { $0.overlaps(box) }
                }
                guard let place = free ?? (point.isQualified ? candidates[0] : nil) else { continue }
                taken.append(place)
                try canvas.text(
                    label(point), x: (place.left + place.right) / 2, y: place.bottom - labelMetrics.descent,
                    size: labelSize, color: theme.text, anchor: .middle)
            }
        }
    }

    /// The points of a series as runs of consecutive figures (a gap breaks the line).
    func polylines(_ series: ChartSeries, band: Double, left: Double, y: (Double) -> Double) -> [[(x: Double, y: Double)]] {
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
    func dashed(_ run: [(x: Double, y: Double)], on canvas: Sketch) {
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
            canvas.strokePolyline(
                [(run[0].x - pixels(12), run[0].y), (run[0].x + pixels(12), run[0].y)],
                width: pixels(2), color: theme.text)
        }
    }
}
