import QuorumModel

// MARK: Plain text

extension ReportComposer {
    /// The widest line of the plain-text part.
    static let textWidth = 72

    static func text(
        subject: String, provenance: String, charts: [SiteManifest.Chart], tables: [ReadableTable], wording: Wording = Wording(.en)
    ) -> String {
        let heading = Readable.wrap(subject, width: textWidth)
        var lines = heading + [String(repeating: "=", count: heading.map(Readable.width).max() ?? 0), ""]
        lines += Readable.wrap(provenance, width: textWidth)
        lines.append("")
        for chart in charts {
            lines += Readable.wrap(chart.title, width: textWidth)
            if !chart.subtitle.isEmpty { lines += Readable.wrap(chart.subtitle, width: textWidth) }
            lines += Readable.wrap(chart.alt, width: textWidth)
            if !chart.source.isEmpty { lines += Readable.wrap(wording.sourcePrefix + chart.source, width: textWidth, indent: "  ") }
            lines.append("")
        }
        for table in tables {
            lines += text(table, wording: wording)
        }
        return lines.joined(separator: "\n")
    }

    static func text(_ table: ReadableTable, wording: Wording = Wording(.en)) -> [String] {
        let title = Readable.wrap(table.title, width: textWidth)
        var lines = title + [String(repeating: "-", count: title.map(Readable.width).max() ?? 0)]
        if let summary = table.summary { lines += Readable.wrap(summary, width: textWidth) }
        lines.append("")
        if let problem = table.problem {
            lines += Readable.wrap(wording.notAvailable + problem, width: textWidth, indent: "  ")
            lines.append("")
        } else if table.sections.isEmpty {
            lines += [wording.noFiguresYet, ""]
        }
        for section in table.sections {
            if let heading = section.heading, !heading.isEmpty {
                lines += Readable.wrap(heading, width: textWidth)
                lines.append("")
            }
            for grid in section.grids {
                if let caption = grid.caption { lines += Readable.wrap(caption, width: textWidth) }
                lines += TextGrid(grid, width: textWidth).lines
                lines.append("")
            }
            for note in section.notes {
                lines += Readable.wrap(note, width: textWidth, indent: "  ")
            }
            if !section.notes.isEmpty { lines.append("") }
        }
        return lines
    }
}

/// A table as aligned lines: numbers right-aligned, words wrapped within their
/// column, headings wrapped and set on the line above the rule; widths counted in
/// the columns of a fixed-width font, where a Han character takes two.
struct TextGrid {
    let lines: [String]

    static let gap = 2

    init(_ grid: ReadableTable.Grid, width: Int) {
        let widths = Self.widths(grid, width: width)
        func block(_ text: String, _ column: Int) -> [String] {
            grid.columns[column].numeric && Readable.width(text) <= widths[column] ? [text] : Readable.wrap(text, width: widths[column])
        }
        func lines(_ cells: [[String]], bottom: Bool) -> [String] {
            let height = cells.map(\.count).max() ?? 1
            return (0..<height).map { line in
                cells.enumerated().map { column, cell in
                    let index = bottom ? line - (height - cell.count) : line
                    let text = cell.indices.contains(index) ? cell[index] : ""
                    let padding = String(repeating: " ", count: max(0, widths[column] - Readable.width(text)))
                    return grid.columns[column].numeric ? padding + text : text + padding
                }.joined(separator: String(repeating: " ", count: Self.gap)).trimmingTrailingSpaces
            }
        }
        var output = lines(grid.columns.enumerated().map { Readable.wrap($1.heading, width: widths[$0]) }, bottom: true)
        output.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: String(repeating: " ", count: Self.gap)))
        for row in grid.rows {
            output += lines(row.enumerated().map { block($1, $0) }, bottom: false)
        }
        self.lines = output
    }

    /// The columns' widths: first each at its least — a number's full width, a text's
    /// longest word (narrower only when nothing else fits) — then widened, a few
    /// characters at a time, where that makes the table shortest for the room.
    static func widths(_ grid: ReadableTable.Grid, width: Int) -> [Int] {
        let available = width - gap * max(0, grid.columns.count - 1)
        let columns = grid.columns.indices
        // Wide text breaks between any two characters: its longest unbreakable run is one character.
        func longestWord(_ text: String) -> Int {
            text.split(separator: " ").map { $0.unicodeScalars.contains(where: Readable.isWide) ? 2 : Readable.width($0) }.max() ?? 0
        }
        var widths = columns.map { column in
            let cells = grid.rows.map { grid.columns[column].numeric ? Readable.width($0[column]) : longestWord($0[column]) }
            return max(1, longestWord(grid.columns[column].heading), cells.max() ?? 0)
        }
        for floor in [4, 1] {
            while widths.reduce(0, +) > available {
                guard
                    let widest = columns.filter({ widths[$0] > floor && (floor == 1 || !grid.columns[$0].numeric) })
                        .max(by: { widths[$0] < widths[$1] })
                else { break }
                widths[widest] -= 1
            }
        }

        // Lines each cell takes at a width (the heading first), worked out once per width tried.
        var cache: [Int: [Int]] = [:]
        func lines(_ column: Int, _ width: Int) -> [Int] {
            if let known = cache[column << 16 | width] { return known }
            let texts = [grid.columns[column].heading] + grid.rows.map { $0[column] }
            let counts = texts.map { Readable.width($0) <= width ? 1 : Readable.wrap($0, width: width).count }
            cache[column << 16 | width] = counts
            return counts
        }
        // The table's height first, then all the lines its cells take.
        func cost(_ widths: [Int]) -> Int {
            let counts = columns.map { lines($0, widths[$0]) }
            let height = (0...grid.rows.count).map { line in counts.map { $0[line] }.max() ?? 1 }.reduce(0, +)
            return height * 10_000 + counts.joined().reduce(0, +)
        }
        var current = cost(widths)
        while widths.reduce(0, +) < available {
            let room = available - widths.reduce(0, +)
            var best: (column: Int, width: Int, gain: Double)?
            for column in columns {
                for wider in widths[column] + 1...widths[column] + room {
                    var trial = widths
                    trial[column] = wider
                    let saved = current - cost(trial)
                    guard saved > 0 else { continue }
                    let gain = Double(saved) / Double(wider - widths[column])
                    if gain > best?.gain ?? 0 { best = (column, wider, gain) }
                    break
                }
            }
            guard let best else { break }
            widths[best.column] = best.width
            current = cost(widths)
        }
        return widths
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
