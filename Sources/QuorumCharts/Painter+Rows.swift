import Foundation
import QuorumModel

extension Painter {
    // MARK: Horizontal bars

    func drawRows(_ data: ChartData, in plot: Box, on canvas: Sketch) throws(ChartError) {
        let axisSize = points(TypeSize.axis), labelSize = points(TypeSize.valueLabel)
        let axisMetrics = try Canvas.measure("0123456789", size: axisSize)
        let categorySize = points(TypeSize.legend)
        var plot = plot
        let categoryMetrics = try Canvas.measure("Ag", size: categorySize)
        // Wide: the names in a column left of the bars. Narrow: each name on a line
        // of its own above its bars, which then have the whole width.
        var categoryWidth = 0.0
        let nameHeight = narrow ? categoryMetrics.ascent + categoryMetrics.descent + pixels(4) : 0
        if narrow {
            categoryWidth = plot.width - pixels(4)
        } else {
            for category in data.categories { categoryWidth = max(categoryWidth, try Canvas.measure(category, size: categorySize).width) }
            categoryWidth = min(categoryWidth, plot.width * 0.38)
            plot.left += categoryWidth + pixels(10)
        }
        plot.bottom -= axisMetrics.ascent + axisMetrics.descent + pixels(8)
        let largest = data.series.flatMap { $0.points.compactMap { $0?.value } }.max() ?? 0
        let anyLabel = data.series.contains { $0.points.contains { $0.map(labelled) ?? false } }
        // Room at the end of the longest bar for its label.
        let ticks = AxisTicks(covering: largest * (anyLabel ? 1.15 : 1), target: max(2, Int(plot.width / pixels(90))))
        plot.right -= try Canvas.measure(wording.number(ticks.maximum), size: axisSize).width / 2
        func x(_ value: Double) -> Double { plot.left + value / ticks.maximum * plot.width }
        for value in ticks.values {
            let position = x(value).rounded()
            canvas.fillRect(x: position, y: plot.top, width: unit, height: plot.height, color: value == 0 ? theme.axis : theme.grid)
            try canvas.text(
                wording.number(value), x: position, y: plot.bottom + pixels(6) + axisMetrics.ascent,
                size: axisSize, color: theme.mutedText, anchor: .middle)
        }
        let band = plot.height / Double(data.categories.count)
        let seriesCount = data.series.count
        let groupHeight = min((band - nameHeight) * 0.7, pixels(26) * Double(seriesCount))
        let barHeight = groupHeight / Double(seriesCount)
        for (index, category) in data.categories.enumerated() {
            let middle = plot.top + band * (Double(index) + 0.5) + nameHeight / 2
            let shown = try fit(category, size: categorySize, width: categoryWidth)
            if narrow {
                try canvas.text(
                    shown, x: plot.left + pixels(4), y: middle - groupHeight / 2 - pixels(4) - categoryMetrics.descent,
                    size: categorySize, color: theme.text)
            } else {
                try canvas.text(
                    shown, x: plot.left - pixels(10), y: middle + categoryMetrics.ascent / 2 - unit,
                    size: categorySize, color: theme.text, anchor: .end)
            }
            for (number, series) in data.series.enumerated() {
                guard let point = series.points[safe: index] ?? nil else { continue }
                let top = middle - groupHeight / 2 + Double(number) * barHeight
                let gap = seriesCount > 1 ? unit : 0
                canvas.fillRect(x: x(0), y: top, width: x(point.value) - x(0), height: barHeight - gap, color: theme.colour(number))
                if labelled(point) {
                    try canvas.text(
                        label(point), x: x(point.value) + pixels(6), y: top + barHeight / 2 + categoryMetrics.ascent / 2 - unit,
                        size: labelSize, color: theme.text)
                }
            }
        }
        canvas.fillRect(x: x(0).rounded(), y: plot.top, width: unit, height: plot.height, color: theme.axis)
    }
}
