import QuorumCharts

/// Lays blocks out on pages: text wrapped to the measure, headings kept with what
/// follows them, a chart never split, a table's heading row repeated on every
/// page it runs onto, and no row split across two pages.
struct Typesetter {
    /// What goes on one page, positioned in points from its top left.
    struct Page {
        enum Item {
            case text(String, x: Double, baseline: Double, style: TextStyle, anchor: TextAnchor)
            case rule(from: (x: Double, y: Double), to: (x: Double, y: Double), width: Double, grey: Double)
            case shade(x: Double, y: Double, width: Double, height: Double, grey: Double)
            case chart(ChartDrawing, x: Double, y: Double, scale: Double)
            case outline(String, y: Double)
        }
        var items: [Item] = []
    }

    /// 20 mm on every side; the running header and page number sit in it.
    static let margin = 20 / 25.4 * 72

    let paper: Paper
    let pen: Pen
    private var pages: [Page] = [Page()]
    private var y: Double

    init(paper: Paper, pen: Pen) {
        self.paper = paper
        self.pen = pen
        y = Self.margin
    }

    private var left: Double { Self.margin }
    private var width: Double { paper.width - 2 * Self.margin }
    private var bottom: Double { paper.height - Self.margin }

    consuming func pages(_ blocks: [PrintBlock]) -> [Page] {
        for (index, block) in blocks.enumerated() { place(block, before: blocks[(index + 1)...]) }
        if pages.last?.items.isEmpty == true, pages.count > 1 { pages.removeLast() }
        return pages
    }

    private mutating func newPage() {
        pages.append(Page())
        y = Self.margin
    }

    /// Starts a new page unless `height` more points fit on this one (and it is not empty).
    private mutating func room(for height: Double) {
        if y + height > bottom, !(pages.last?.items.isEmpty ?? true) { newPage() }
    }

    private mutating func add(_ item: Page.Item) { pages[pages.count - 1].items.append(item) }

    private mutating func place(_ block: PrintBlock, before rest: ArraySlice<PrintBlock>) {
        switch block {
        case .title(let text):
            lines(text, style: .title, spaceAfter: 8)
        case .heading(let text):
            // A heading alone at the foot of a page reads as belonging to nothing.
            let lines = pen.wrapped(text, style: .heading, width: width)
            let own = Double(lines.count) * TextStyle.heading.lineHeight + 14
            room(for: own + minimumStart(of: rest))
            y += 10
            add(.outline(text, y: y))
            self.lines(text, style: .heading, spaceAfter: 4)
        case .paragraph(let text):
            lines(text, style: .body, spaceAfter: 6)
        case .note(let text):
            lines(text, style: .note, spaceAfter: 3)
        case .chart(let drawing):
            let scale = chartScale(drawing)
            let height = Double(drawing.height) * scale
            room(for: height)
            add(.chart(drawing, x: left, y: y, scale: scale))
            y += height + 8
        case .table(let table):
            place(table)
        }
    }

    /// How much of what follows must fit below a heading for the heading to stay on
    /// this page: its text up to the chart or table it introduces, and that chart
    /// whole or the table's first rows.
    private func minimumStart(of rest: ArraySlice<PrintBlock>) -> Double {
        var height = 0.0
        for block in rest {
            switch block {
            case .paragraph(let text): height += Double(pen.wrapped(text, style: .body, width: width).count) * TextStyle.body.lineHeight + 6
            case .chart(let drawing): return height + Double(drawing.height) * chartScale(drawing)
            case .table: return height + 60
            default: return height
            }
        }
        return height
    }

    /// Points per chart pixel: a screen's (96 pixels to the inch), or less where the
    /// chart would be wider than the text; small charts such as sparklines keep their size.
    private func chartScale(_ drawing: ChartDrawing) -> Double {
        min(72.0 / 96, width / Double(drawing.width))
    }

    private mutating func lines(_ text: String, style: TextStyle, spaceAfter: Double) {
        for line in pen.wrapped(text, style: style, width: width) {
            room(for: style.lineHeight)
            add(.text(line, x: left, baseline: y + style.size, style: style, anchor: .start))
            y += style.lineHeight
        }
        y += spaceAfter
    }

    // MARK: Tables

    private static let cellPadding = 4.0

    private mutating func place(_ table: PrintTable) {
        guard !table.columns.isEmpty else { return }
        let total = table.columns.map(\.weight).reduce(0, +)
        let widths = table.columns.map { width * $0.weight / (total > 0 ? total : 1) }
        let inner = widths.map { max(10, $0 - 2 * Self.cellPadding) }
        let heading = zip(table.columns, inner).map { pen.wrapped($0.heading, style: .cellHeading, width: $1) }
        let headingHeight = rowHeight(heading, style: .cellHeading)
        let rows = table.rows.map { row in zip(row, inner).map { pen.wrapped($0, style: .cell, width: $1) } }
        if let caption = table.caption {
            // The caption stays with the heading row and the first row.
            let first = rows.first.map { rowHeight($0, style: .cell) } ?? 0
            room(
                for: Double(pen.wrapped(caption, style: .caption, width: width).count) * TextStyle.caption.lineHeight + 2
                    + headingHeight + first)
            if !(pages.last?.items.isEmpty ?? true) { y += 4 }
            lines(caption, style: .caption, spaceAfter: 2)
        }
        var headed = false
        for cells in rows {
            let height = rowHeight(cells, style: .cell)
            if !headed || y + height > bottom {
                room(for: headingHeight + height)
                add(.shade(x: left, y: y, width: width, height: headingHeight, grey: 0.93))
                placeRow(heading, table: table, widths: widths, style: .cellHeading, height: headingHeight)
                headed = true
            }
            placeRow(cells, table: table, widths: widths, style: .cell, height: height)
        }
        if !headed {
            room(for: headingHeight)
            add(.shade(x: left, y: y, width: width, height: headingHeight, grey: 0.93))
            placeRow(heading, table: table, widths: widths, style: .cellHeading, height: headingHeight)
        }
        y += 8
    }

    private func rowHeight(_ cells: [[String]], style: TextStyle) -> Double {
        Double(cells.map(\.count).max() ?? 1) * style.lineHeight + 2 * Self.cellPadding
    }

    private mutating func placeRow(_ cells: [[String]], table: PrintTable, widths: [Double], style: TextStyle, height: Double) {
        var x = left
        for (index, lines) in cells.enumerated() {
            let column = table.columns[index]
            for (number, line) in lines.enumerated() {
                let baseline = y + Self.cellPadding + style.size + Double(number) * style.lineHeight
                if column.numeric {
                    add(.text(line, x: x + widths[index] - Self.cellPadding, baseline: baseline, style: style, anchor: .end))
                } else {
                    add(.text(line, x: x + Self.cellPadding, baseline: baseline, style: style, anchor: .start))
                }
            }
            x += widths[index]
        }
        y += height
        add(.rule(from: (left, y), to: (left + width, y), width: 0.5, grey: 0.7))
    }
}
