import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumPrint
import QuorumSite
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumMail

/// A report's PDF, read back with poppler's tools as any reader's software would:
/// its paper, its fonts, its text, its pages drawn.
@Suite(.testDatabases) struct ReportPDFTests {
    static let charts = ["participants-per-year", "format-mix", "participants-by-body-year"]

    /// The demo data's snapshot, and the report of it with three charts and a table.
    func demo() async throws -> (conninfo: String, snapshot: Snapshot, report: Report) {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let snapshot = try await offPool {
            let connection = try Connection(conninfo: conninfo)
            defer { connection.finish() }
            _ = try DatasetImporter(connection).run(try DemoData.dataset(), file: "demo")
            return try Aggregator().run(connection)
        }
        var report = try hourlyReport()
        report.charts = Self.charts
        report.tables = ["organisation_totals"]
        report.pdf = true
        return (conninfo, snapshot, report)
    }

    let composer = ReportComposer(from: sender, charts: .builtIn())

    @Test func theReportIsAnA4DocumentWithEmbeddedFontsAndEveryFigureAsText() async throws {
        let (_, snapshot, report) = try await demo()
        let period = utc("2026-11-22T01:00:00Z")
        let bytes = try composer.pdf(report, period: period, snapshot: snapshot)
        // The same snapshot and period give the same bytes.
        #expect(bytes == (try composer.pdf(report, period: period, snapshot: snapshot)))

        let pdf = try await offPool { try PopplerReading(pdf: bytes) }
        #expect(pdf.info["Page size"]?.hasSuffix("(A4)") == true, "\(pdf.info)")
        #expect(Int(pdf.info["Pages"] ?? "") ?? 0 >= 3)
        #expect(pdf.info["Title"] == "Türkiye figures 2026-11-22 01:00")
        #expect(pdf.info["Creator"] == "Quorum")
        #expect(pdf.info["Subject"]?.contains("snapshot \(snapshot.id)") == true)
        #expect(!pdf.fonts.isEmpty && pdf.fonts.allSatisfy { $0.embedded && $0.subset }, "\(pdf.fonts)")

        // Every figure of every chart, with its qualifier, is in the text.
        let text = pdf.text
        for name in Self.charts {
            let spec = try #require(ChartSet.builtIn().specs.first { $0.name == name })
            #expect(text.contains(spec.title), "\(name)")
            let data = try spec.data(from: snapshot)
            #expect(!data.isEmpty)
            for point in data.shownPoints { #expect(text.contains(point.label), "\(name): \(point.label)") }
        }
        #expect(text.contains("236+"), "the at-least total of 2024")
        // The documents' own words behind the figures.
        #expect(text.contains("116 participants from 19"))
        #expect(text.contains("Totals per organisation"))
        // The cover lists every section with the page it starts on.
        let cover = try await offPool { try PopplerReading(pdf: bytes, pages: 1...1) }
        #expect(cover.text.contains("Contents"))
        for name in Self.charts + ["Totals per organisation"] {
            let title = try #require(ChartSet.builtIn().specs.first { $0.name == name }?.title ?? name)
            #expect(cover.text.contains(title), "\(title) is in the contents")
        }
    }

    @Test func theChartsAreDrawnOnThePage() async throws {
        let (_, snapshot, report) = try await demo()
        let bytes = try composer.pdf(report, period: utc("2026-11-22T01:00:00Z"), snapshot: snapshot)
        // The first page is the cover; the first chart sits on the second, under its heading:
        // that band is ink or the area under its line, not blank paper.
        let page = try await offPool { try PopplerReading.greyPage(pdf: bytes, page: 2) }
        let band = page.pixels[(page.height * 20 / 100 * page.width)..<(page.height * 40 / 100 * page.width)]
        let inked = band.filter { $0 < 235 }.count
        #expect(Double(inked) / Double(band.count) > 0.15, "\(inked) of \(band.count) pixels inked")
    }

    @Test func letterAndLandscapeAreTheirOwnPaper() async throws {
        let (_, snapshot, base) = try await demo()
        var report = base
        report.paper = Paper(.letter, .landscape)
        let bytes = try composer.pdf(report, period: utc("2026-11-22T01:00:00Z"), snapshot: snapshot)
        let pdf = try await offPool { try PopplerReading(pdf: bytes) }
        #expect(pdf.info["Page size"]?.hasPrefix("792 x 612 pts") == true, "\(pdf.info)")
    }

    @Test func aScheduledReportArrivesOncePerPeriodWithItsPDF() async throws {
        let (conninfo, snapshot, report) = try await demo()
        let pool = ConnectionPool(conninfo: conninfo)
        defer { pool.close() }
        // The e-mail shows the published site's PNGs; the PDF draws the same charts for print.
        let root = try temporaryDirectory("site")
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try await offPool { try SiteBuilder.build(snapshot: snapshot, charts: ChartSet.builtIn(), languages: [.en]) }
        try SitePublisher(root: root).publish(build.files)
        let server = try await SMTPServer.start()
        let mailer = Mailer(
            pool: pool, reports: [report], settings: smtpSettings(server), charts: .builtIn(),
            siteDirectory: root, logger: quiet)
        mailer.start(at: utc("2026-11-22T00:30:00Z"))
        #expect(await mailer.deliverDue(now: utc("2026-11-22T01:00:00Z"), cached: snapshot, fence: noFence).map(\.kind) == [.sent])
        #expect(await mailer.deliverDue(now: utc("2026-11-22T01:10:00Z"), cached: snapshot, fence: noFence).isEmpty)
        #expect(server.messages.count == 1)

        let parsed = try await ParsedMessage.parse(try #require(server.messages.first))
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        let attachment = try #require(parsed.attachments.first { $0.type == "application/pdf" })
        #expect(attachment.filename == "hourly-20261122T0100Z.pdf")
        #expect(attachment.disposition == "attachment")
        let expected = try composer.pdf(report, period: utc("2026-11-22T01:00:00Z"), snapshot: snapshot)
        #expect(attachment.sha256 == (try await sha256(expected)))
        let entry = try #require(try await pool.withConnection { try DeliveryLedger($0).recent(report: "hourly", limit: 1) }.first)
        #expect(entry.attachmentBytes == Int64(expected.count))
        #expect((entry.messageBytes ?? 0) > Int64(expected.count))
    }

    @Test func attachmentsOverTheLimitAreRefusedWithTheirSize() async throws {
        var (_, snapshot, report) = try await demo()
        var small = composer
        small.attachmentLimit = 10_000
        report.charts = []
        #expect {
            _ = try small.compose(report, period: utc("2026-11-22T01:00:00Z"), snapshot: snapshot, site: nil, date: Date())
        } throws: { error in
            "\(error)".contains("more than mail.max_attachment_bytes (10000)") && (error as? MailError)?.isPermanent == true
        }
    }
}

/// How the printed pages break text, read back from the PDF.
@Suite struct PrintedWrappingTests {
    @Test func paragraphsWordsAndAWordWiderThanTheLineEachBreakWhereTheyShould() throws {
        let long = String(repeating: "長", count: 150)
        let words = (1...60).map { "слово\($0)" }.joined(separator: " ")
        let document = PrintDocument(
            metadata: .init(title: "Wrapping", subject: "test", created: Date(timeIntervalSince1970: 0)), runningHeader: "Wrapping",
            blocks: [
                .paragraph("First paragraph\nSecond paragraph"), .paragraph(words), .paragraph(long),
                .paragraph("A line ended as on Windows\r\nand the next"),
            ])
        let lines = try PopplerReading(pdf: try PDF.render(document)).text.split(separator: "\n").map(String.init)
        // A line break in the text starts a new line.
        #expect(lines.contains("First paragraph") && lines.contains("Second paragraph"), "\(lines)")
        // So does a CR LF, which leaves nothing of itself behind.
        #expect(lines.contains("A line ended as on Windows") && lines.contains("and the next"), "\(lines)")
        // Words wrap at spaces: every word whole, in order, on more than one line.
        let wordLines = lines.filter { $0.hasPrefix("слово") }
        #expect(wordLines.count > 1)
        #expect(wordLines.joined(separator: " ") == words)
        // A word wider than the line breaks inside it, and nothing of it is lost.
        let longLines = lines.filter { $0.hasPrefix("長") }
        #expect(longLines.count > 1)
        #expect(longLines.joined() == long)
    }
}
