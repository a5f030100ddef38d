import Foundation
import QuorumModel

extension Painter {
    // MARK: Donut

    func drawDonut(_ data: ChartData, in plot: Box, on canvas: Sketch) throws(ChartError) {
        let points = data.categories.indices.map { data.series[0].points[safe: $0] ?? nil }
        let total = points.reduce(0) { $0 + ($1?.value ?? 0) }
        let size = self.points(TypeSize.legend)
        let metrics = try Canvas.measure("Ag", size: size)
        let rowHeight = metrics.ascent + metrics.descent + pixels(10)
        // Wide: the ring, and the legend beside it. Narrow: the legend under the ring.
        let legendHeight = narrow ? rowHeight * Double(data.categories.count) + pixels(16) : 0
        let diameter = narrow ? min(plot.height - legendHeight, plot.width * 0.7) : min(plot.height, plot.width * 0.45)
        let outer = diameter / 2, inner = outer * 0.6
        let centreX = narrow ? (plot.left + plot.right) / 2 : plot.left + outer + pixels(8)
        let centreY = narrow ? plot.top + outer : (plot.top + plot.bottom) / 2
        if total > 0 {
            var angle = 0.0
            for (index, point) in points.enumerated() {
                guard let point, point.value > 0 else { continue }
                let sweep = point.value / total * 2 * Double.pi
                canvas.fillRingSegment(
                    centreX: centreX, centreY: centreY, outer: outer, inner: inner,
                    start: angle, end: angle + sweep, gap: points.count > 1 ? pixels(2) : 0,
                    color: theme.colour(index))
                angle += sweep
            }
        } else {
            canvas.fillRingSegment(
                centreX: centreX, centreY: centreY, outer: outer, inner: inner,
                start: 0, end: 2 * Double.pi, gap: 0, color: theme.track)
        }
        let totalPoint = ChartPoint(total, Qualifier.combined(points.compactMap { $0?.qualifier }))
        let big = self.points(18)
        let bigMetrics = try Canvas.measure(label(totalPoint), font: .bold, size: big)
        try canvas.text(label(totalPoint), x: centreX, y: centreY + pixels(2), font: .bold, size: big, color: theme.text, anchor: .middle)
        try canvas.text(
            style.totalCaption, x: centreX, y: centreY + pixels(2) + bigMetrics.descent + pixels(14),
            size: self.points(TypeSize.axis), color: theme.mutedText, anchor: .middle)

        let legendLeft = narrow ? plot.left : centreX + outer + pixels(36)
        var y =
            narrow
            ? centreY + outer + pixels(16) + metrics.ascent
            : centreY - rowHeight * Double(data.categories.count) / 2 + metrics.ascent
        let width = narrow ? plot.width : min(plot.right - legendLeft, pixels(300))
        for (index, category) in data.categories.enumerated() {
            let point = points[index]
            let share = total > 0 ? " (\(Int(((point?.value ?? 0) / total * 100).rounded()))%)" : ""
            let figure = (point.map(label) ?? "–") + share
            let figureWidth = try Canvas.measure(figure, font: .bold, size: size).width
            canvas.fillRect(
                x: legendLeft, y: y - metrics.ascent / 2 - pixels(5), width: pixels(10), height: pixels(10),
                color: theme.colour(index))
            let shown = try fit(category, size: size, width: width - figureWidth - pixels(32))
            try canvas.text(shown, x: legendLeft + pixels(16), y: y, size: size, color: theme.text)
            try canvas.text(figure, x: legendLeft + width, y: y, font: .bold, size: size, color: theme.text, anchor: .end)
            y += rowHeight
        }
    }
}
