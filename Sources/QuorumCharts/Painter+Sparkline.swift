import Foundation
import QuorumModel

extension Painter {
    // MARK: Sparkline

    func drawSparkline(_ data: ChartData, on canvas: Sketch) throws(ChartError) {
        guard let series = data.series.first, !data.isEmpty else {
            canvas.fillRect(
                x: pixels(3), y: (Double(canvas.height) / 2).rounded(), width: Double(canvas.width) - pixels(6),
                height: unit, color: theme.grid)
            return
        }
        let values = series.points.compactMap { $0?.value }
        // A sparkline shows the shape: from the smallest figure to the largest,
        // and the last figure as a reader reads it, with its qualifier and marks.
        let largest = values.max() ?? 0, smallest = values.min() ?? 0
        let margin = pixels(4)
        let lastLabel = (series.points.last { $0 != nil } ?? nil).map(label) ?? ""
        let labelSize = points(TypeSize.valueLabel)
        let labelMetrics = try Canvas.measure(lastLabel.isEmpty ? "0" : lastLabel, size: labelSize)
        let labelWidth = lastLabel.isEmpty ? 0 : labelMetrics.width + pixels(4)
        let box = Box(left: margin, top: margin, right: Double(canvas.width) - margin - labelWidth, bottom: Double(canvas.height) - margin)
        let count = max(1, series.points.count - 1)
        func x(_ index: Int) -> Double {
            series.points.count == 1 ? (box.left + box.right) / 2 : box.left + box.width * Double(index) / Double(count)
        }
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
            try canvas.text(
                lastLabel, x: Double(canvas.width) - margin, y: (Double(canvas.height) + labelMetrics.ascent) / 2 - unit,
                size: labelSize, color: theme.text, anchor: .end)
        }
    }
}
