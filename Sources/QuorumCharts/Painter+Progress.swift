import Foundation
import QuorumModel

extension Painter {
    // MARK: Progress

    func drawProgress(_ data: ChartData, in plot: Box, on canvas: Sketch) throws(ChartError) {
        let points = data.categories.indices.map { data.series[0].points[safe: $0] ?? nil }
        let done = points.first.flatMap { $0 } ?? ChartPoint(0)
        let rest = points.dropFirst().compactMap { $0 }
        let total = ChartPoint(
            done.value + rest.reduce(0) { $0 + $1.value },
            Qualifier.combined([done.qualifier] + rest.map(\.qualifier)))
        let headline = wording.part(label(done), of: label(total))
        let big = self.points(22)
        let bigMetrics = try Canvas.measure(headline, font: .bold, size: big)
        let barHeight = min(pixels(28), plot.height / 4)
        let legendSize = self.points(TypeSize.legend)
        let legendMetrics = try Canvas.measure("Ag", size: legendSize)
        // Wide: the figures in one row under the bar. Narrow: one under another.
        let legendRow = legendMetrics.ascent + legendMetrics.descent + pixels(8)
        let legendRows = narrow ? Double(data.categories.count - 1) * legendRow : 0
        let block = bigMetrics.ascent + bigMetrics.descent + pixels(14) + barHeight + pixels(16) + legendMetrics.ascent + legendRows
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
        let room = narrow ? plot.width - pixels(80) : plot.width / Double(data.categories.count) - pixels(60)
        for (index, category) in data.categories.enumerated() {
            let figure = points[index].map(label) ?? "–"
            canvas.fillRect(
                x: x, y: y - legendMetrics.ascent / 2 - pixels(5), width: pixels(10), height: pixels(10),
                color: index == 0 ? theme.colour(0) : theme.track)
            let shown = try fit(category, size: legendSize, width: room)
            x += pixels(16)
            x += try canvas.text(shown, x: x, y: y, size: legendSize, color: theme.text) + pixels(6)
            x += try canvas.text(figure, x: x, y: y, font: .bold, size: legendSize, color: theme.text) + pixels(24)
            if narrow { (x, y) = (plot.left, y + legendRow) }
        }
    }
}
