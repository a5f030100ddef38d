import Foundation
import QuorumAggregates
import QuorumModel
import Testing

@testable import QuorumMail

let sender = try! MailAddress("reports@cica.example", name: "CICA Secretariat")

func weeklyReport() throws -> Report {
    var report = Report(
        name: "weekly", schedule: try CronSchedule("0 9 * * mon", timeZone: "Asia/Almaty"),
        to: [try MailAddress("ayse@mfa.example", name: "Ayşe Yılmaz — Türkiye")])
    report.cc = [try MailAddress(parsing: "\"Analysts, CICA\" <analysts@cica.example>")]
    report.bcc = [try MailAddress("archive@cica.example")]
    report.subject = "Türkiye and CICA: weekly figures {date} (snapshot {snapshot})"
    report.charts = ["participants-by-year", "member-states"]
    report.tables = ["organisation_totals", "body_year"]
    report.attachments = ["organisation_totals"]
    return report
}

@Suite struct MIMETests {
    @Test func encodedWordsKeepCharactersWholeAndShort() throws {
        #expect(MIME.encodedWords("Türkiye") == ["=?UTF-8?B?VMO8cmtpeWU=?="])
        let long = String(repeating: "Türkiye – Қазақстан ", count: 8)
        let words = MIME.encodedWords(long)
        #expect(words.count > 1)
        var decoded = ""
        for word in words {
            #expect(word.count <= 75)
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let bytes = try #require(Data(base64Encoded: String(base64)))
            // Each word decodes on its own: no character is split between two.
            decoded += try #require(String(data: bytes, encoding: .utf8))
        }
        #expect(decoded == long)
    }

    @Test func quotedPrintableLinesStayWithin76AndEncodeWhatTheyMust() {
        let text = String(repeating: "Türkiye = 18 member states; ", count: 10) + "trailing space \n.dot first\nend"
        let encoded = MIME.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.count <= 76)
            #expect(!line.hasSuffix(" "))
            #expect(!line.hasPrefix("."))
        }
        #expect(encoded.contains("T=C3=BCrkiye =3D 18"))
        #expect(encoded.contains("space=20\r\n=2Edot first"))
        #expect(encoded.utf8.allSatisfy { $0 < 128 })
    }

    @Test func base64LinesAre76() {
        let encoded = MIME.base64([UInt8](repeating: 0xAB, count: 1000))
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(Data(base64Encoded: lines.joined()) == Data([UInt8](repeating: 0xAB, count: 1000)))
    }

    @Test func addressesAreCheckedAndQuoted() throws {
        #expect(throws: MailError.self) { try MailAddress("no-at-sign") }
        #expect(throws: MailError.self) { try MailAddress("a@b@c.example") }
        #expect(throws: MailError.self) { try MailAddress("two words@cica.example") }
        #expect(throws: MailError.self) { try MailAddress("x@-bad-.example") }
        #expect(throws: MailError.self) { try MailAddress("x@cica.example>\r\nRCPT TO:<y@evil.example") }
        let parsed = try MailAddress(parsing: "\"Analysts, CICA\" <analysts@CICA.example>")
        #expect(parsed.name == "Analysts, CICA")
        #expect(parsed.domain == "cica.example")
        #expect(MIME.address(parsed) == "\"Analysts, CICA\" <analysts@CICA.example>")
        #expect(MIME.address(try MailAddress("a@b.example", name: "Türkiye")) == "=?UTF-8?B?VMO8cmtpeWU=?= <a@b.example>")
        #expect(parsed.isWithin(["cica.example"]))
        #expect(try MailAddress("x@mail.cica.example").isWithin(["cica.example"]))
        #expect(!(try MailAddress("x@notcica.example").isWithin(["cica.example"])))
    }

    @Test func dateIsRFC5322() {
        #expect(MIME.date(utc("2026-11-22T09:05:03Z")) == "Sun, 22 Nov 2026 09:05:03 +0000")
    }
}

@Suite struct MessageTests {
    func message() throws -> MailMessage {
        MailMessage(
            from: sender, to: [try MailAddress("a@cica.example")], subject: "Weekly", date: Date(),
            messageID: "weekly.x@cica.example", text: "text", html: "<p>html</p>")
    }

    @Test(arguments: ["Weekly\r\nBcc: victim@evil.example", "Weekly\nX-Injected: 1", "Weekly\0"])
    func headerInjectionInTheSubjectIsRefused(subject: String) throws {
        var message = try message()
        message.subject = subject
        let error = try #require(throws: MailError.self) { try message.rendered() }
        #expect(error.isHeaderInjection)
        #expect(error.description.contains("Subject"))
    }

    @Test func headerInjectionElsewhereIsRefusedNamingTheHeader() throws {
        var message = try message()
        message.extraHeaders = [("X-Quorum-Report", "weekly\r\nBcc: victim@evil.example")]
        #expect(throws: MailError.header("X-Quorum-Report")) { try message.rendered() }
        message.extraHeaders = []
        message.messageID = "id\n@x"
        #expect(throws: MailError.header("Message-ID")) { try message.rendered() }
        #expect(throws: MailError.self) { try MailAddress("a@cica.example", name: "Evil\r\nBcc: x@evil.example") }
    }

    @Test func messageIDIsStablePerReportAndPeriod() throws {
        let report = try weeklyReport()
        let period = utc("2026-11-23T04:00:00Z")
        let id = report.messageID(period: period, from: sender)
        #expect(id == report.messageID(period: period, from: sender))
        #expect(id.hasPrefix("weekly.20261123T0400Z."))
        #expect(id.hasSuffix("@cica.example"))
        #expect(id != report.messageID(period: period.addingTimeInterval(7 * 86_400), from: sender))
    }

    @Test func subjectPlaceholdersUseTheReportsTimeZone() throws {
        var report = try weeklyReport()
        report.subject = "{report} {date} {period} #{snapshot}"
        // 20:00 UTC on Sunday is already Monday in Almaty (UTC+5).
        #expect(report.subject(period: utc("2026-11-22T20:00:00Z"), snapshotID: 7) == "weekly 2026-11-23 2026-11-23 01:00 #7")
        report.subject = "{nope}"
        #expect(report.problems.contains { $0.contains("unknown placeholder {nope}") })
    }

    @Test func recipientsOutsideTheAllowedDomainsAreProblems() throws {
        var report = try weeklyReport()
        report.allowedDomains = ["cica.example"]
        #expect(report.problems == ["report.weekly: ayse@mfa.example is outside the allowed domains (cica.example)"])
    }
}

@Suite struct ComposerTests {
    /// Composes the weekly report from a site written in the contract's format,
    /// and reads it back with Python's email package.
    func composed(_ report: Report) async throws -> (ParsedMessage, MailMessage, [String: [UInt8]]) {
        let root = try temporaryDirectory("site")
        defer { try? FileManager.default.removeItem(at: root) }
        let snapshot = sampleSnapshot()
        let pngs = try writeSite(snapshot: snapshot, charts: ["participants-by-year", "member-states", "unused"], in: root)
        let site = try PublishedSite(siteDirectory: root)
        let message = try ReportComposer(from: sender).compose(
            report, period: utc("2026-11-23T04:00:00Z"), snapshot: snapshot,
            site: site, date: utc("2026-11-23T04:00:02Z"))
        return (try await ParsedMessage.parse(bytes: try message.rendered()), message, pngs)
    }

    @Test func structureEncodingsAndInlineCharts() async throws {
        let (parsed, message, pngs) = try await composed(try weeklyReport())
        #expect(parsed.defects.isEmpty)
        #expect(
            parsed.tree
                == .init(
                    type: "multipart/mixed",
                    parts: [
                        .init(
                            type: "multipart/alternative",
                            parts: [
                                .init(type: "text/plain", parts: nil),
                                .init(
                                    type: "multipart/related",
                                    parts: [
                                        .init(type: "text/html", parts: nil), .init(type: "image/png", parts: nil),
                                        .init(type: "image/png", parts: nil),
                                    ]),
                            ]),
                        .init(type: "text/csv", parts: nil),
                    ]))
        #expect(parsed.subject == "Türkiye and CICA: weekly figures 2026-11-23 (snapshot 12)")
        #expect(parsed.to == "Ayşe Yılmaz — Türkiye <ayse@mfa.example>")
        #expect(parsed.cc == "\"Analysts, CICA\" <analysts@cica.example>")
        #expect(parsed.bcc == nil)
        #expect(parsed.from == "CICA Secretariat <reports@cica.example>")
        #expect(parsed.date_parsed == "2026-11-23T04:00:02+00:00")
        #expect(parsed.message_id == "<\(message.messageID)>")
        #expect(parsed.snapshot == "12; data-version=40")
        #expect(!parsed.non_ascii_bytes)
        #expect(parsed.bare_newlines == 0)
        #expect(parsed.long_lines.isEmpty)

        // The charts are the site's own bytes, inline, referenced by CID with size and alt text.
        #expect(parsed.images.count == 2)
        let html = try #require(parsed.html)
        for (image, name) in zip(parsed.images, ["participants-by-year", "member-states"]) {
            #expect(image.png)
            #expect(image.disposition == "inline")
            #expect(image.sha256 == (try await sha256(pngs[name]!)))
            let cid = image.cid.dropFirst().dropLast()
            // Scaled to the 600-pixel column by its attributes, which are all Outlook reads.
            #expect(
                html.contains(
                    "<img src=\"cid:\(cid)\" width=\"568\" height=\"284\" alt=\"Bar chart: 2022: 140 (at least), 2023: 160, 2024: 18 member states (Türkiye &lt;observer&gt;)\""
                ))
        }
        #expect(html.contains("<meta name=\"color-scheme\" content=\"light dark\">"))
        #expect(html.contains("background-color:#ffffff"))
        // Every data text is escaped.
        #expect(html.contains("Türkiye &lt;delegation&gt;"))
        #expect(html.contains("Participants &amp; states"))
        #expect(!html.contains("<delegation>"))
        #expect(html.contains("<table role=\"table\""))
        #expect(html.contains("Snapshot 12 (data version 40)"))

        let text = try #require(parsed.text)
        #expect(text.contains("Snapshot 12 (data version 40)"))
        // The plain text is not escaped.
        #expect(text.contains("<delegation>"))
        #expect(text.contains("=HYPERLINK(\"x\"); 1 body; 2 events"))
        #expect(text.contains("2024: 18 member states"))

        // The CSV attachment is defused against formula injection.
        let csv = try #require(parsed.attachments.first)
        #expect(csv.filename == "organisation_totals.csv")
        #expect(csv.disposition == "attachment")
        #expect(csv.text.contains("Türkiye <delegation>,\"'=HYPERLINK(\"\"x\"\")\",1,2,2,18,exact,2023,2024"))
    }

    @Test func withoutChartsOrAttachmentsTheHTMLStandsAlone() async throws {
        var report = try weeklyReport()
        report.charts = []
        report.attachments = []
        let message = try ReportComposer(from: sender).compose(
            report, period: utc("2026-11-23T04:00:00Z"),
            snapshot: sampleSnapshot(), site: nil, date: Date())
        let parsed = try await ParsedMessage.parse(bytes: try message.rendered())
        #expect(
            parsed.tree
                == .init(
                    type: "multipart/alternative",
                    parts: [
                        .init(type: "text/plain", parts: nil),
                        .init(type: "text/html", parts: nil),
                    ]))
    }

    @Test func aSiteFromAnotherSnapshotOrWithoutTheChartIsRefused() throws {
        let root = try temporaryDirectory("site")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try writeSite(snapshot: sampleSnapshot(id: 11), charts: ["participants-by-year"], in: root)
        let site = try PublishedSite(siteDirectory: root)
        let composer = ReportComposer(from: sender)
        let report = try weeklyReport()
        let stale = try #require(throws: MailError.self) {
            try composer.compose(report, period: Date(), snapshot: sampleSnapshot(id: 12), site: site, date: Date())
        }
        #expect(stale.description.contains("snapshot 11, not 12"))
        let missing = try #require(throws: MailError.self) {
            try composer.compose(report, period: Date(), snapshot: sampleSnapshot(id: 11), site: site, date: Date())
        }
        #expect(missing.description.contains("member-states"))
        #expect(throws: MailError.self) { try PublishedSite(siteDirectory: root.appendingPathComponent("nowhere")) }
    }

    @Test func theFileTransportWritesAtomically() async throws {
        let directory = try temporaryDirectory("out")
        defer { try? FileManager.default.removeItem(at: directory) }
        var report = try weeklyReport()
        report.charts = []
        let message = try ReportComposer(from: sender).compose(
            report, period: utc("2026-11-23T04:00:00Z"),
            snapshot: sampleSnapshot(), site: nil, date: Date())
        try await FileTransport(directory: directory).send(message)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files == ["\(message.messageID).eml"])
        #expect(try Data(contentsOf: directory.appendingPathComponent(files[0])) == Data(try message.rendered()))
    }
}
