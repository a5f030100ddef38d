import Foundation
import QuorumAggregates
import QuorumModel

/// Makes a report's e-mail from one snapshot and the site published from it.
///
/// Pure: the same report, period, snapshot, site and time give the same bytes.
/// The HTML is built for the clients that render least: layout by tables, every
/// style inline, charts as CID images with their size and an alt text that states
/// the numbers, on an opaque white card so dark mode cannot swallow them.
public struct ReportComposer: Sendable {
    public let from: MailAddress

    public init(from: MailAddress) {
        self.from = from
    }

    /// The e-mail for `report`'s `period`, built from `snapshot` and the charts of
    /// `site`, which must have been rendered from that same snapshot.
    public func compose(_ report: Report, period: Date, snapshot: Snapshot, site: PublishedSite?,
                        date: Date) throws(MailError) -> MailMessage {
        var charts: [(chart: SiteManifest.Chart, png: [UInt8])] = []
        if !report.charts.isEmpty {
            guard let site else { throw .site("report \(report.name) has charts, but no site is published") }
            guard site.manifest.snapshot.id == snapshot.id else {
                throw .site("the published site shows snapshot \(site.manifest.snapshot.id), not \(snapshot.id)")
            }
            for name in report.charts {
                guard let chart = site.manifest[chart: name] else {
                    throw .site("report \(report.name): chart \(name) is not on the published site")
                }
                charts.append((chart, try site.png(of: chart)))
            }
        }
        var tables: [AggregateTable] = []
        for name in report.tables {
            guard let table = snapshot[name] else { throw .report("report \(report.name): snapshot \(snapshot.id) has no aggregate \(name)") }
            tables.append(table)
        }
        var attachments: [MailMessage.Attachment] = []
        for name in report.attachments {
            guard let table = snapshot[name] else { throw .report("report \(report.name): snapshot \(snapshot.id) has no aggregate \(name)") }
            attachments.append(.init(fileName: "\(name).csv", contentType: "text/csv; charset=utf-8", bytes: Array(Self.csv(table).utf8)))
        }

        let subject = report.subject(period: period, snapshotID: snapshot.id)
        let provenance = "Snapshot \(snapshot.id) (data version \(snapshot.dataVersion)), computed "
            + Self.utc(snapshot.finishedAt) + "; period " + report.localDate(period, format: "yyyy-MM-dd HH:mm zzz")
        let messageID = report.messageID(period: period, from: from)
        var message = MailMessage(
            from: from, to: report.to, subject: subject, date: date, messageID: messageID,
            text: Self.text(subject: subject, provenance: provenance, charts: charts.map(\.chart), tables: tables),
            html: Self.html(subject: subject, provenance: provenance, charts: charts.map(\.chart), tables: tables,
                            messageID: messageID))
        message.cc = report.cc
        message.bcc = report.bcc
        message.extraHeaders = [
            ("X-Quorum-Report", report.name),
            ("X-Quorum-Period", Self.utc(period)),
            ("X-Quorum-Snapshot", "\(snapshot.id); data-version=\(snapshot.dataVersion)"),
        ]
        message.images = charts.map {
            .init(contentID: Self.contentID($0.chart.name, messageID), fileName: "\($0.chart.name).png", png: $0.png)
        }
        message.attachments = attachments
        return message
    }

    /// A chart's Content-ID, unique to the message: `<chart>.<digest of the Message-ID>@<domain>`.
    static func contentID(_ chart: String, _ messageID: String) -> String {
        "\(chart).\(MIME.digest(messageID))@\(messageID.split(separator: "@").last ?? "quorum")"
    }

    static func utc(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func csv(_ table: AggregateTable) -> String {
        CSVWriter.line(table.columns) + table.rows.map { CSVWriter.line($0.map(\.description)) }.joined()
    }

    // MARK: Plain text

    static func text(subject: String, provenance: String, charts: [SiteManifest.Chart], tables: [AggregateTable]) -> String {
        var lines = [subject, String(repeating: "=", count: min(subject.count, 72)), "", provenance, ""]
        for chart in charts {
            lines.append(chart.title)
            if let subtitle = chart.subtitle, !subtitle.isEmpty { lines.append(subtitle) }
            lines.append(chart.alt)
            if let source = chart.source, !source.isEmpty { lines.append("Source: \(source)") }
            lines.append("")
        }
        for table in tables {
            lines.append(table.description.isEmpty ? table.name : "\(table.description) (\(table.name))")
            let cells = [table.columns] + table.rows.map { $0.map(\.description) }
            let widths = table.columns.indices.map { column in min(40, cells.map { $0[column].count }.max() ?? 0) }
            for row in cells {
                lines.append(row.enumerated().map { $1.padding(toLength: max(widths[$0], $1.count), withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: HTML

    static func html(subject: String, provenance: String, charts: [SiteManifest.Chart], tables: [AggregateTable],
                     messageID: String) -> String {
        let width = max(600, charts.map(\.width).max() ?? 0)
        let font = "font-family:Arial,Helvetica,sans-serif;"
        var body = ""
        body += "<tr><td style=\"padding:16px 16px 4px 16px;\(font)color:#1a1a1a;\">"
        body += "<h1 style=\"margin:0;font-size:22px;line-height:28px;\(font)color:#1a1a1a;\">\(HTML.escape(subject))</h1></td></tr>\n"
        body += "<tr><td style=\"padding:0 16px 12px 16px;\(font)font-size:13px;line-height:18px;color:#555555;\">\(HTML.escape(provenance))</td></tr>\n"
        for chart in charts {
            body += "<tr><td style=\"padding:12px 16px;background-color:#ffffff;\(font)color:#1a1a1a;\">"
            body += "<h2 style=\"margin:0 0 4px 0;font-size:17px;line-height:22px;\(font)color:#1a1a1a;\">\(HTML.escape(chart.title))</h2>"
            if let subtitle = chart.subtitle, !subtitle.isEmpty {
                body += "<p style=\"margin:0 0 8px 0;font-size:13px;line-height:18px;color:#555555;\">\(HTML.escape(subtitle))</p>"
            }
            body += "<img src=\"cid:\(HTML.escape(contentID(chart.name, messageID)))\" width=\"\(chart.width)\" height=\"\(chart.height)\" "
            body += "alt=\"\(HTML.escape(chart.alt))\" style=\"display:block;border:0;outline:none;width:100%;max-width:\(chart.width)px;"
            body += "height:auto;background-color:#ffffff;\">"
            if let source = chart.source, !source.isEmpty {
                body += "<p style=\"margin:4px 0 0 0;font-size:12px;line-height:16px;color:#555555;\">Source: \(HTML.escape(source))</p>"
            }
            body += "</td></tr>\n"
        }
        for table in tables {
            body += "<tr><td style=\"padding:12px 16px;\(font)color:#1a1a1a;\">"
            body += "<h2 style=\"margin:0 0 8px 0;font-size:17px;line-height:22px;\(font)color:#1a1a1a;\">"
            body += "\(HTML.escape(table.description.isEmpty ? table.name : table.description))</h2>"
            body += "<table role=\"table\" width=\"100%\" cellpadding=\"4\" cellspacing=\"0\" border=\"1\" "
            body += "style=\"border-collapse:collapse;border:1px solid #bbbbbb;\(font)font-size:13px;line-height:18px;color:#1a1a1a;background-color:#ffffff;\">"
            body += "<tr>" + table.columns.map {
                "<th align=\"left\" style=\"border:1px solid #bbbbbb;background-color:#eeeeee;text-align:left;\">\(HTML.escape($0))</th>"
            }.joined() + "</tr>"
            for row in table.rows {
                body += "<tr>" + row.map { value in
                    let numeric = value.number != nil
                    return "<td align=\"\(numeric ? "right" : "left")\" style=\"border:1px solid #bbbbbb;text-align:\(numeric ? "right" : "left");\">"
                        + HTML.escape(value.description) + "</td>"
                }.joined() + "</tr>"
            }
            body += "</table></td></tr>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <meta name="supported-color-schemes" content="light dark">
            <title>\(HTML.escape(subject))</title>
            </head>
            <body style="margin:0;padding:0;background-color:#f2f2f2;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f2f2f2;">
            <tr><td align="center" style="padding:16px 0;">
            <table role="presentation" width="\(width + 32)" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:\(width + 32)px;background-color:#ffffff;">
            \(body)</table>
            </td></tr>
            </table>
            </body>
            </html>
            """
    }
}
