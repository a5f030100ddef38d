import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel

/// Makes a report's e-mail from one snapshot and the site published from it.
///
/// Pure: the same report, period, snapshot, site and time give the same bytes.
/// The HTML is built for the clients that render least: layout by tables 600
/// pixels wide, every style inline, charts as CID images with their size and an
/// alt text that states the numbers, on an opaque white card so dark mode cannot
/// swallow them. Tables are written for people (`ReadableTable`): headings and
/// codes in words, qualifiers as "140+" and "≈150", at most five columns; the
/// plain-text part says the same in lines of at most 72 characters.
public struct ReportComposer: Sendable {
    public let from: MailAddress
    /// Source key → the document's title, for the note under each table that
    /// names its sources, besides (and before) those of the snapshot's `sources`
    /// aggregate; a key with no title anywhere is shown as it is.
    public var sourceTitles: [String: String]
    /// The chart files, for the charts a report's PDF draws.
    public var charts: ChartSet
    /// The most bytes a message's attachments (CSV files and PDF) may come to.
    public var attachmentLimit: Int

    public init(
        from: MailAddress, sourceTitles: [String: String] = [:], charts: ChartSet = ChartSet(specs: [], errors: []),
        attachmentLimit: Int = MailSettings.defaultAttachmentLimit
    ) {
        self.from = from
        self.sourceTitles = sourceTitles
        self.charts = charts
        self.attachmentLimit = attachmentLimit
    }

    /// The e-mail for `report`'s `period`, built from `snapshot` and the charts of
    /// `site`, which must have been rendered from that same snapshot.
    public func compose(
        _ report: Report, period: Date, snapshot: Snapshot, site: PublishedSite?,
        date: Date
    ) throws(MailError) -> MailMessage {
        var charts: [(chart: SiteManifest.Chart, png: [UInt8])] = []
        if !report.charts.isEmpty {
            guard let site else { throw .site("report \(report.name) has charts, but no site is published") }
            guard site.manifest.snapshot.id == snapshot.id else {
                throw .site("the published site shows snapshot \(site.manifest.snapshot.id), not \(snapshot.id)")
            }
            for name in report.charts {
                guard let chart = site.manifest.chart(name, in: report.language) else {
                    throw .site("report \(report.name): chart \(name) is not on the published site")
                }
                charts.append((chart, try site.png(of: chart)))
            }
        }
        var tables: [ReadableTable] = []
        let names = ReadableTable.Names(snapshot: snapshot, sourceTitles: sourceTitles)
        for name in report.tables {
            guard let table = snapshot[name] else { throw .report("report \(report.name): snapshot \(snapshot.id) has no aggregate \(name)") }
            tables.append(ReadableTable(table, names: names, language: report.language))
        }
        var attachments: [MailMessage.Attachment] = []
        for name in report.attachments {
            guard let table = snapshot[name] else { throw .report("report \(report.name): snapshot \(snapshot.id) has no aggregate \(name)") }
            attachments.append(.init(fileName: "\(name).csv", contentType: "text/csv; charset=utf-8", bytes: Array(Self.csv(table).utf8)))
        }
        if report.pdf {
            attachments.append(
                .init(
                    fileName: Self.pdfFileName(report, period: period), contentType: "application/pdf",
                    bytes: try pdf(report, period: period, snapshot: snapshot)))
        }
        let attached = attachments.reduce(0) { $0 + $1.bytes.count }
        // Retrying cannot shrink them: the period ends as failed, with this in the ledger.
        guard attached <= attachmentLimit else {
            throw .permanent(
                "report \(report.name): its attachments come to \(attached) bytes, more than mail.max_attachment_bytes "
                    + "(\(attachmentLimit)); attach fewer tables, or raise the limit if the recipients' servers accept it",
                replyCode: nil)
        }

        let subject = report.subject(period: period, snapshotID: snapshot.id)
        let wording = Wording(report.language)
        let provenance = wording.reportProvenance(
            snapshot: snapshot.id, dataVersion: snapshot.dataVersion, computed: Self.utc(snapshot.finishedAt),
            period: report.localDate(period, format: "yyyy-MM-dd HH:mm zzz"))
        let messageID = report.messageID(period: period, from: from)
        var message = MailMessage(
            from: from, to: report.to, subject: subject, date: date, messageID: messageID,
            text: Self.text(subject: subject, provenance: provenance, charts: charts.map(\.chart), tables: tables, wording: wording),
            html: Self.html(
                subject: subject, provenance: provenance, charts: charts.map(\.chart), tables: tables,
                messageID: messageID, wording: wording))
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
}
