import QuorumModel

// MARK: HTML

/// The e-mail's HTML: one column 600 pixels wide, laid out with tables, every
/// style inline and every colour (text and background) explicit, so Outlook,
/// which reads neither classes nor max-width, and dark modes that recolour what
/// is left unset, show it as written.
extension ReportComposer {
    /// The column the message is laid out in, and the content inside its padding.
    static let columnWidth = 600
    static let contentWidth = columnWidth - 2 * 16

    private static let font = "font-family:Arial,Helvetica,sans-serif;"
    private static let ink = "color:#1a1a1a;"
    private static let quiet = "color:#555555;"
    private static let rule = "border:1px solid #b3b3b3;"

    static func html(
        subject: String, provenance: String, charts: [SiteManifest.Chart], tables: [ReadableTable],
        messageID: String, wording: Wording = Wording(.en)
    ) -> String {
        var body = ""
        body += "<tr><td style=\"padding:16px 16px 4px 16px;background-color:#ffffff;\(font)\(ink)\">"
        body += "<h1 style=\"margin:0;font-size:22px;line-height:28px;\(font)\(ink)\">\(HTML.escape(subject))</h1></td></tr>\n"
        body += "<tr><td style=\"padding:0 16px 12px 16px;background-color:#ffffff;\(font)font-size:13px;line-height:18px;\(quiet)\">"
        body += "\(HTML.escape(provenance))</td></tr>\n"
        for chart in charts {
            // Outlook sizes an image by its attributes alone: scaled to the column here.
            let width = min(chart.width, contentWidth)
            let height = chart.width > 0 ? Int((Double(chart.height) * Double(width) / Double(chart.width)).rounded()) : chart.height
            body += "<tr><td style=\"padding:12px 16px;background-color:#ffffff;\(font)\(ink)\">"
            body += "<h2 style=\"margin:0 0 4px 0;font-size:17px;line-height:22px;\(font)\(ink)\">\(HTML.escape(chart.title))</h2>"
            if !chart.subtitle.isEmpty {
                body += "<p style=\"margin:0 0 8px 0;font-size:13px;line-height:18px;\(font)\(quiet)\">\(HTML.escape(chart.subtitle))</p>"
            }
            body += "<img src=\"cid:\(HTML.escape(contentID(chart.name, messageID)))\" width=\"\(width)\" height=\"\(height)\" "
            body += "alt=\"\(HTML.escape(chart.alt))\" style=\"display:block;border:0;outline:none;width:100%;max-width:\(width)px;"
            body += "height:auto;background-color:#ffffff;\">"
            if !chart.source.isEmpty {
                body +=
                    "<p style=\"margin:4px 0 0 0;font-size:12px;line-height:16px;\(font)\(quiet)\">\(HTML.escape(wording.sourcePrefix))<span lang=\"en\">\(HTML.escape(chart.source))</span></p>"
            }
            body += "</td></tr>\n"
        }
        for table in tables {
            body += html(table, wording: wording)
        }
        return """
            <!DOCTYPE html>
            <html lang="\(wording.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <meta name="supported-color-schemes" content="light dark">
            <title>\(HTML.escape(subject))</title>
            </head>
            <body style="margin:0;padding:0;background-color:#f2f2f2;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f2f2f2;">
            <tr><td align="center" style="padding:16px 0;background-color:#f2f2f2;color:#1a1a1a;">
            <table role="presentation" width="\(columnWidth)" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:\(columnWidth)px;background-color:#ffffff;">
            \(body)</table>
            </td></tr>
            </table>
            </body>
            </html>
            """
    }

    /// One aggregate: its title and summary, then per section a heading, its tables and their key.
    static func html(_ table: ReadableTable, wording: Wording = Wording(.en)) -> String {
        var html = "<tr><td style=\"padding:12px 16px;background-color:#ffffff;\(font)\(ink)\">"
        html += "<h2 style=\"margin:0 0 4px 0;font-size:17px;line-height:22px;\(font)\(ink)\">\(HTML.escape(table.title))</h2>"
        if let summary = table.summary {
            html += "<p style=\"margin:0 0 8px 0;font-size:13px;line-height:18px;\(font)\(quiet)\">\(HTML.escape(summary))</p>"
        }
        if let problem = table.problem {
            html +=
                "<p style=\"margin:4px 0;font-size:13px;line-height:18px;\(font)\(ink)\">\(HTML.escape(wording.notAvailable))\(HTML.escape(problem))</p>"
        } else if table.sections.isEmpty {
            html += "<p style=\"margin:4px 0;font-size:13px;line-height:18px;\(font)\(ink)\">\(HTML.escape(wording.noFiguresYet))</p>"
        }
        for section in table.sections {
            if let heading = section.heading, !heading.isEmpty {
                html += "<h3 style=\"margin:14px 0 6px 0;font-size:15px;line-height:20px;\(font)\(ink)\">\(HTML.escape(heading))</h3>"
            }
            for (index, grid) in section.grids.enumerated() {
                if let caption = grid.caption {
                    html += "<p style=\"margin:10px 0 4px 0;font-size:13px;line-height:18px;font-weight:bold;\(font)\(ink)\">"
                    html += "\(HTML.escape(caption))</p>"
                } else if index > 0 {
                    html += "<div style=\"height:8px;line-height:8px;font-size:8px;\">&nbsp;</div>"
                }
                html += self.html(grid)
            }
            for note in section.notes {
                html += "<p style=\"margin:4px 0 0 0;font-size:12px;line-height:16px;\(font)\(quiet)\">\(HTML.escape(note))</p>"
            }
        }
        return html + "</td></tr>\n"
    }

    /// A table of at most five columns, as wide as the content, each column's width declared.
    static func html(_ grid: ReadableTable.Grid) -> String {
        let widths = columnWidths(grid.columns.map(\.weight), total: contentWidth)
        var html = "<table role=\"table\" width=\"\(contentWidth)\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
        html += "style=\"width:100%;max-width:\(contentWidth)px;border-collapse:collapse;\(rule)background-color:#ffffff;\(font)\(ink)\">"
        html += "<tr>"
        for (column, width) in zip(grid.columns, widths) {
            let align = column.numeric ? "right" : "left"
            html += "<th scope=\"col\" width=\"\(width)\" align=\"\(align)\" valign=\"bottom\" style=\"padding:4px 6px;\(rule)"
            html += "background-color:#eeeeee;\(ink)\(font)font-size:13px;line-height:17px;font-weight:bold;text-align:\(align);\">"
            html += "\(HTML.escape(column.heading))</th>"
        }
        html += "</tr>"
        for row in grid.rows {
            html += "<tr>"
            for (column, cell) in zip(grid.columns, row) {
                let align = column.numeric ? "right" : "left"
                html += "<td align=\"\(align)\" valign=\"top\" style=\"padding:4px 6px;\(rule)background-color:#ffffff;\(ink)\(font)"
                html += "font-size:13px;line-height:18px;text-align:\(align);\">\(HTML.escape(column.numeric ? cell : breakable(cell)))</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }

    /// Text with places to break a long word (an address, a document symbol):
    /// a table cell widens to its longest unbreakable word, which would push the
    /// table past the column. Zero-width spaces, which Outlook honours too.
    static func breakable(_ text: String, longest: Int = 20) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard word.count > longest else { return String(word) }
            var result = ""
            var run = 0
            for character in word {
                result.append(character)
                run += 1
                if "/.-_?&=,;:".contains(character) || run >= longest {
                    result.append("\u{200B}")
                    run = 0
                }
            }
            return result
        }.joined(separator: " ")
    }

    /// Whole pixels in proportion to the weights, adding up to `total`.
    static func columnWidths(_ weights: [Double], total: Int) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in total / max(1, weights.count) } }
        var widths = weights.map { Int((Double(total) * $0 / sum).rounded(.down)) }
        if !widths.isEmpty { widths[0] += total - widths.reduce(0, +) }
        return widths
    }
}
