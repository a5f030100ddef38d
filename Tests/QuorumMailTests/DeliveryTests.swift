import Foundation
import Logging
import QuorumAggregates
import QuorumCharts
import QuorumDaemon
import QuorumModel
import QuorumSite
import QuorumStore
import QuorumTestSupport
import Synchronization
import Testing

@testable import QuorumMail

let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

func hourlyReport(
    _ catchUp: Report.CatchUp = .latest, limit: Int = 10, zone: String = "UTC",
    cron: String = "0 * * * *"
) throws -> Report {
    var report = Report(
        name: "hourly", schedule: try CronSchedule(cron, timeZone: zone),
        to: [try MailAddress("analysts@cica.example")])
    report.bcc = [try MailAddress("archive@cica.example")]
    report.subject = "Türkiye figures {period}"
    report.tables = ["organisation_totals"]
    report.catchUp = catchUp
    report.catchUpLimit = limit
    return report
}

func smtpSettings(_ server: SMTPServer, retries: Int = 0) -> MailSettings {
    var smtp = SMTPSettings(url: server.url)
    smtp.retries = retries
    smtp.backoff = .milliseconds(20)
    smtp.timeout = .seconds(10)
    var settings = MailSettings(from: sender, transport: .smtp(smtp))
    settings.lease = .seconds(2)
    return settings
}

/// The Message-IDs the server received, in order.
func receivedMessageIDs(_ server: SMTPServer) throws -> [String] {
    try server.messages.map { url in
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let line = text.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: ") } ?? ""
        return String(line.dropFirst("Message-ID: <".count).dropLast())
    }
}

func ledgerRows(_ conninfo: String) throws -> [(period: String, status: String, attempts: Int)] {
    let c = try Connection(conninfo: conninfo)
    defer { c.finish() }
    return try c.query(
        """
        SELECT to_char(period AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'), status, attempts FROM quorum.delivery ORDER BY period
        """
    ).map { (try $0.require(at: 0), try $0.require(at: 1), try $0.require(at: 2)) }
}

let noFence: @Sendable (Connection) throws -> Void = { _ in }

@Suite(.testDatabases) struct DeliveryLedgerTests {
    @Test func aClaimIsExclusiveAndTakenOverOnlyWhenItsLeaseRanOutUnsent() async throws {
        let c = try await offPool { try TestDatabase.connect() }
        defer { c.finish() }
        let ledger = DeliveryLedger(c)
        let period = utc("2026-11-23T04:00:00Z")
        let first = try ledger.claim(report: "weekly", period: period, messageID: "m1@x", owner: "a", lease: .seconds(1), fence: { _ in })
        #expect(first == .init(messageID: "m1@x", attempts: 1))
        #expect(try ledger.claim(report: "weekly", period: period, messageID: "other@x", owner: "b", lease: .seconds(5), fence: { _ in }) == nil)
        try await Task.sleep(for: .milliseconds(1_200))
        // The lease ran out unsent: taken over, with the first Message-ID.
        let second = try ledger.claim(report: "weekly", period: period, messageID: "other@x", owner: "b", lease: .seconds(5), fence: { _ in })
        #expect(second == .init(messageID: "m1@x", attempts: 2))
        try ledger.markSent(report: "weekly", period: period, snapshotID: 12, dataVersion: 40, messageBytes: 5_000, attachmentBytes: 1_200)
        #expect(try ledger.recent(report: "weekly", limit: 1).first.map { [$0.messageBytes, $0.attachmentBytes] } == [5_000, 1_200])
        try await Task.sleep(for: .milliseconds(100))
        #expect(try ledger.claim(report: "weekly", period: period, messageID: "m1@x", owner: "c", lease: .milliseconds(1), fence: { _ in }) == nil)
        #expect(try ledger.lastSentDataVersion(report: "weekly") == 40)
        // A refused fence claims nothing.
        #expect(throws: MailTestFailure.self) {
            try ledger.claim(
                report: "weekly", period: period.addingTimeInterval(3600), messageID: "m2@x", owner: "a",
                lease: .seconds(5), fence: { _ in throw MailTestFailure("not the leader") })
        }
        #expect(try ledger.recent(report: "weekly", limit: 10).map(\.status) == ["sent"])
    }

    @Test func periodsAcrossDaylightSavingChanges() throws {
        // 02:30 in Berlin: skipped on 29 March 2026 (runs at 03:30 CEST), twice on 25 October (runs once).
        let report = try hourlyReport(zone: "Europe/Berlin", cron: "30 2 * * *")
        let spring = Mailer.periods(report, after: utc("2026-03-28T00:00:00Z"), through: utc("2026-03-30T12:00:00Z"))
        #expect(spring == [utc("2026-03-28T01:30:00Z"), utc("2026-03-29T01:30:00Z"), utc("2026-03-30T00:30:00Z")])
        let autumn = Mailer.periods(report, after: utc("2026-10-24T00:00:00Z"), through: utc("2026-10-26T12:00:00Z"))
        #expect(autumn == [utc("2026-10-24T00:30:00Z"), utc("2026-10-25T00:30:00Z"), utc("2026-10-26T01:30:00Z")])
        #expect(Set(autumn.map { report.messageID(period: $0, from: sender) }).count == 3)
        // After a long downtime only the newest periods are looked at.
        let hourly = try hourlyReport()
        let year = Mailer.periods(hourly, after: utc("2025-11-22T00:00:00Z"), through: utc("2026-11-22T00:00:00Z"), limit: 5)
        #expect(year == (0..<5).reversed().map { utc("2026-11-22T00:00:00Z").addingTimeInterval(-3600 * Double($0)) })
    }

    @Test func aDailyReportAcrossBothDaylightSavingChangesGoesOutOncePerDay() async throws {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let pool = ConnectionPool(conninfo: conninfo)
        defer { pool.close() }
        let directory = try temporaryDirectory("eml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try hourlyReport(zone: "Europe/Berlin", cron: "30 2 * * *")
        let settings = MailSettings(from: sender, transport: .file(directory: directory.path))
        let mailer = Mailer(pool: pool, reports: [report], settings: settings, siteDirectory: nil, logger: quiet)
        mailer.start(at: utc("2026-03-27T12:00:00Z"))
        // The clock advances in half-hour steps through both changes.
        var now = utc("2026-03-27T12:00:00Z")
        var sent: [Date] = []
        while now < utc("2026-03-31T12:00:00Z") {
            sent += await mailer.deliverDue(now: now, cached: sampleSnapshot(), fence: noFence).filter { $0.kind == .sent }.map(\.period)
            now += 1800
        }
        now = utc("2026-10-24T12:00:00Z")
        while now < utc("2026-10-27T12:00:00Z") {
            sent += await mailer.deliverDue(now: now, cached: sampleSnapshot(), fence: noFence).filter { $0.kind == .sent }.map(\.period)
            now += 1800
        }
        // 28 March 02:30 CET; 29 March 03:30 CEST (02:30 does not exist); 30 and 31 March 02:30 CEST;
        // then, after the summer skipped by policy (catch_up = latest sends 24 October),
        // 25 October 02:30 CEST (the first of two), 26 and 27 October 02:30 CET.
        #expect(
            sent
                == [
                    "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z",
                    "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z",
                ].map(utc))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }
        #expect(files.count == sent.count)
    }

    @Test(arguments: [(Report.CatchUp.skip, 0), (.latest, 1), (.all, 3)])
    func catchUpAfterDowntime(policy: Report.CatchUp, expectedSends: Int) async throws {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let pool = ConnectionPool(conninfo: conninfo)
        defer { pool.close() }
        let server = try await SMTPServer.start()
        let mailer = Mailer(
            pool: pool, reports: [try hourlyReport(policy, limit: 3)], settings: smtpSettings(server),
            siteDirectory: nil, logger: quiet)
        let start = utc("2026-11-22T00:30:00Z")
        mailer.start(at: start)
        await mailer.deliverDue(now: utc("2026-11-22T01:00:05Z"), cached: sampleSnapshot(), fence: noFence)
        #expect(server.messages.count == 1)
        // Down from 01:00 to 06:30: the periods 02:00 … 06:00 were missed.
        let outcomes = await mailer.deliverDue(now: utc("2026-11-22T06:30:00Z"), cached: sampleSnapshot(), fence: noFence)
        #expect(outcomes.filter { $0.kind == .sent }.count == expectedSends)
        #expect(server.messages.count == 1 + expectedSends)
        let rows = try ledgerRows(conninfo)
        #expect(rows.count == 6)
        #expect(
            rows.filter { $0.status == "sent" }.map(\.period)
                == ["2026-11-22T01:00Z"] + ["2026-11-22T04:00Z", "2026-11-22T05:00Z", "2026-11-22T06:00Z"].suffix(expectedSends))
        #expect(rows.filter { $0.status == "skipped" }.count == 5 - expectedSends)
        // Nothing more to do at the same time.
        #expect(await mailer.deliverDue(now: utc("2026-11-22T06:30:00Z"), cached: sampleSnapshot(), fence: noFence).isEmpty)
    }

    @Test func aRestartBetweenPeriodsNeitherMissesNorRepeats() async throws {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let server = try await SMTPServer.start()
        let start = utc("2026-11-22T00:30:00Z")
        do {
            let pool = ConnectionPool(conninfo: conninfo)
            defer { pool.close() }
            let first = Mailer(pool: pool, reports: [try hourlyReport()], settings: smtpSettings(server), siteDirectory: nil, logger: quiet)
            first.start(at: start)
            for hour in 1...3 {
                await first.deliverDue(now: start.addingTimeInterval(Double(hour) * 3600 - 1800 + 1), cached: sampleSnapshot(), fence: noFence)
            }
        }
        #expect(server.messages.count == 3)
        // A new process, started between 03:00 and 04:00.
        let pool = ConnectionPool(conninfo: conninfo)
        defer { pool.close() }
        let second = Mailer(pool: pool, reports: [try hourlyReport()], settings: smtpSettings(server), siteDirectory: nil, logger: quiet)
        second.start(at: utc("2026-11-22T03:20:00Z"))
        #expect(await second.deliverDue(now: utc("2026-11-22T03:20:00Z"), cached: sampleSnapshot(), fence: noFence).isEmpty)
        await second.deliverDue(now: utc("2026-11-22T04:00:01Z"), cached: sampleSnapshot(), fence: noFence)
        let ids = try receivedMessageIDs(server)
        #expect(ids.count == 4)
        #expect(Set(ids).count == 4)
        #expect(ids.last?.hasPrefix("hourly.20261122T0400Z.") == true)
    }

    /// PostgreSQL goes away while the SMTP server holds its reply, and comes back: the
    /// send is recorded once it is back, and nothing is sent twice.
    @Test func aSendWhoseLedgerIsAwayIsRecordedWhenItReturnsAndNotRepeated() async throws {
        try await withPrivateCluster { cluster in
            try await offPool { try Migrator().migrate(try Connection(conninfo: cluster.conninfo)) }
            let pool = ConnectionPool(conninfo: cluster.conninfo)
            defer { pool.close() }
            let server = try await SMTPServer.start(["--delay", "2"])
            var settings = smtpSettings(server)
            settings.lease = .seconds(60)  // held well past the outage
            let mailer = Mailer(pool: pool, reports: [try hourlyReport()], settings: settings, siteDirectory: nil, logger: quiet)
            mailer.start(at: utc("2026-11-22T00:30:00Z"))
            async let outcomes = mailer.deliverDue(now: utc("2026-11-22T01:00:05Z"), cached: sampleSnapshot(), fence: noFence)
            #expect(try await eventually(timeout: .seconds(30)) { server.dataCommands == 1 })
            try await cluster.stop()
            try await Task.sleep(for: .seconds(3))  // the reply comes meanwhile; the ledger is away
            #expect(server.messages.count == 1)
            _ = try await cluster.start()
            let kinds = await outcomes.map(\.kind)
            #expect(kinds == [.sent], "\(kinds)")
            let rows = try ledgerRows(cluster.conninfo)
            #expect(rows.map(\.status) == ["sent"], "\(rows)")
            // Later rounds find the period done.
            #expect(await mailer.deliverDue(now: utc("2026-11-22T01:30:00Z"), cached: sampleSnapshot(), fence: noFence).isEmpty)
            #expect(server.dataCommands == 1)
        }
    }

    @Test func skipWhenUnchangedSendsOnlyNewData() async throws {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let pool = ConnectionPool(conninfo: conninfo)
        defer { pool.close() }
        let server = try await SMTPServer.start()
        var report = try hourlyReport()
        report.skipWhenUnchanged = true
        let mailer = Mailer(pool: pool, reports: [report], settings: smtpSettings(server), siteDirectory: nil, logger: quiet)
        mailer.start(at: utc("2026-11-22T00:30:00Z"))
        await mailer.deliverDue(now: utc("2026-11-22T01:00:00Z"), cached: sampleSnapshot(id: 1, dataVersion: 5), fence: noFence)
        let unchanged = await mailer.deliverDue(now: utc("2026-11-22T02:00:00Z"), cached: sampleSnapshot(id: 2, dataVersion: 5), fence: noFence)
        #expect(unchanged.map(\.kind) == [.skipped("unchanged")])
        await mailer.deliverDue(now: utc("2026-11-22T03:00:00Z"), cached: sampleSnapshot(id: 3, dataVersion: 6), fence: noFence)
        #expect(server.messages.count == 2)
        #expect(try ledgerRows(conninfo).map(\.status) == ["sent", "skipped", "sent"])
    }

    @Test func aPermanentRefusalIsRecordedAndNotRetried() async throws {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let pool = ConnectionPool(conninfo: conninfo)
        defer { pool.close() }
        let server = try await SMTPServer.start(["--reject"])
        let mailer = Mailer(
            pool: pool, reports: [try hourlyReport()], settings: smtpSettings(server, retries: 3),
            siteDirectory: nil, logger: quiet)
        mailer.start(at: utc("2026-11-22T00:30:00Z"))
        await mailer.deliverDue(now: utc("2026-11-22T01:00:00Z"), cached: sampleSnapshot(), fence: noFence)
        try await Task.sleep(for: .milliseconds(100))
        await mailer.deliverDue(now: utc("2026-11-22T01:05:00Z"), cached: sampleSnapshot(), fence: noFence)
        #expect(server.dataCommands == 1)
        let entry = try #require(try await pool.withConnection { try DeliveryLedger($0).recent(report: "hourly", limit: 1) }.first)
        #expect(entry.status == "failed")
        #expect(entry.lastError?.contains("SMTP 554") == true)
    }

    @Test func aSenderThatDiesAfterTheServersReplyIsFollowedByOneResendWithTheSameMessageID() async throws {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let server = try await SMTPServer.start(["--delay", "1"])
        let period = utc("2026-11-22T01:00:00Z")
        let report = try hourlyReport()
        var settings = smtpSettings(server)
        settings.lease = .seconds(12)

        // The first sender loses its database while the server is still answering DATA.
        let doomedPool = ConnectionPool(conninfo: conninfo)
        let doomed = Mailer(pool: doomedPool, reports: [report], settings: settings, siteDirectory: nil, logger: quiet)
        doomed.start(at: utc("2026-11-22T00:30:00Z"))
        let claimed = ContinuousClock.now
        let sending = Task { await doomed.deliverDue(now: period, cached: sampleSnapshot(), fence: noFence) }
        #expect(try await eventually(timeout: .seconds(30)) { server.dataCommands == 1 })
        doomedPool.close()
        // The server stores the message and replies; the sender, unable to record the
        // send, would retry for as long as its claim holds. It dies instead.
        #expect(try await eventually(timeout: .seconds(30)) { server.messages.count == 1 })
        try await Task.sleep(for: .milliseconds(500))
        sending.cancel()
        _ = await sending.value
        #expect(server.messages.count == 1)
        #expect(try ledgerRows(conninfo).map(\.status) == ["claimed"])

        let pool = ConnectionPool(conninfo: conninfo)
        defer { pool.close() }
        let successor = Mailer(pool: pool, reports: [report], settings: settings, siteDirectory: nil, logger: quiet)
        successor.start(at: utc("2026-11-22T00:30:00Z"))
        // While the lease holds, nobody sends again (checked when the machine was quick
        // enough to get here well within it); once it has run out, the successor sends.
        let early = await successor.deliverDue(now: period.addingTimeInterval(5), cached: sampleSnapshot(), fence: noFence)
        if ContinuousClock.now - claimed < settings.lease - .seconds(2) { #expect(early.isEmpty) }
        // The claim may have been made some seconds after `claimed` on a loaded machine:
        // asked once a second until the lease has run out and the successor sends.
        var outcomes = early
        let giveUp = ContinuousClock.now + settings.lease + .seconds(30)
        while outcomes.isEmpty && ContinuousClock.now < giveUp {
            try await Task.sleep(for: .seconds(1))
            outcomes = await successor.deliverDue(now: period.addingTimeInterval(10), cached: sampleSnapshot(), fence: noFence)
        }
        #expect(outcomes.map(\.kind) == [.sent])
        #expect(await successor.deliverDue(now: period.addingTimeInterval(15), cached: sampleSnapshot(), fence: noFence).isEmpty)
        let ids = try receivedMessageIDs(server)
        #expect(ids.count == 2)
        #expect(Set(ids).count == 1)
        #expect(try ledgerRows(conninfo).map { "\($0.status) \($0.attempts)" } == ["sent 2"])
    }
}

@Suite(.testDatabases) struct MailerServiceTests {
    /// Several daemons — leader election and mailer each — over many periods with a
    /// clock the test moves, the leader killed on the way: every period delivered once.
    @Test(arguments: [2, 3])
    func manyDaemonsDeliverEveryPeriodExactlyOnce(daemons: Int) async throws {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let server = try await SMTPServer.start()
        let clock = ManualClock(utc("2026-11-22T00:30:00Z"))
        let cache = SnapshotCache()
        cache.offer(sampleSnapshot())
        let pools = (0..<daemons).map { _ in ConnectionPool(conninfo: conninfo) }
        defer { pools.forEach { $0.close() } }
        let elections = (0..<daemons).map { _ in LeaderElection(conninfo: conninfo, heartbeat: .milliseconds(100), logger: quiet) }
        let services = try (0..<daemons).map { index in
            MailerService(
                mailer: Mailer(
                    pool: pools[index], reports: [try hourlyReport()], settings: smtpSettings(server),
                    siteDirectory: nil, logger: quiet),
                election: elections[index], cache: cache, clock: clock)
        }
        let admin = try Connection(conninfo: conninfo)
        defer { admin.finish() }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for election in elections { group.addTask { try await election.run() } }
            for service in services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            // The mailers start at 00:30, before the clock moves.
            #expect(try await eventually(timeout: .seconds(30)) { elections.contains { $0.role != .follower } })
            let periods = 16
            for hour in 1...periods {
                clock.set(utc("2026-11-22T00:00:00Z").addingTimeInterval(Double(hour) * 3600 + 2))
                #expect(try await eventually(timeout: .seconds(30)) { server.messages.count >= hour }, "period \(hour)")
                if hour % 5 == 0 {
                    // Kill the leader's session: another takes over and carries on.
                    let leader = elections.first { $0.role != .follower }
                    if case .leader(let backend)? = leader?.role {
                        try admin.execute("SELECT pg_terminate_backend(\(backend))")
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            let ids = try receivedMessageIDs(server)
            #expect(ids.count == periods)
            #expect(Set(ids).count == periods)
            let expected = (1...periods).map { utc("2026-11-22T00:00:00Z").addingTimeInterval(Double($0) * 3600) }
            #expect(ids.map { String($0.split(separator: ".")[1]) } == expected.map(Report.periodKey))
            #expect(try ledgerRows(conninfo).allSatisfy { $0.status == "sent" && $0.attempts == 1 })
        }
    }
}

@Suite(.testDatabases) struct SiteMailTests {
    /// The mail shows the site's charts — the same bytes — and the tables of the
    /// snapshot the site was rendered from, even when the daemon holds a newer one.
    @Test func theMailIsMadeFromTheSitesSnapshotAndPNGs() async throws {
        let conninfo = try await offPool { try TestDatabase.fresh() }
        let pool = ConnectionPool(conninfo: conninfo)
        defer { pool.close() }
        let stored = try await pool.withConnection { try Aggregator().run($0) }
        let root = try temporaryDirectory("site")
        defer { try? FileManager.default.removeItem(at: root) }
        let pngs = try writeSite(snapshot: stored, charts: ["participants-by-year", "format-mix"], in: root)

        let server = try await SMTPServer.start()
        var report = try hourlyReport()
        report.charts = ["format-mix", "participants-by-year"]
        report.tables = ["organisation_totals"]
        let mailer = Mailer(pool: pool, reports: [report], settings: smtpSettings(server), siteDirectory: root, logger: quiet)
        mailer.start(at: utc("2026-11-22T00:30:00Z"))
        let newer = sampleSnapshot(id: stored.id + 1, dataVersion: stored.dataVersion + 1)
        let outcomes = await mailer.deliverDue(now: utc("2026-11-22T01:00:00Z"), cached: newer, fence: noFence)
        #expect(outcomes.map(\.kind) == [.sent])

        let parsed = try await ParsedMessage.parse(try #require(server.messages.first))
        #expect(parsed.snapshot == "\(stored.id); data-version=\(stored.dataVersion)")
        #expect(parsed.images.map(\.sha256) == [try await sha256(pngs["format-mix"]!), try await sha256(pngs["participants-by-year"]!)])
        #expect(parsed.images.allSatisfy { $0.png })
        #expect(parsed.html?.contains("Snapshot \(stored.id) ") == true)
        // The stored snapshot's tables, not the newer one's in memory.
        #expect(parsed.html?.contains("Türkiye &lt;delegation&gt;") == false)
        #expect(parsed.subject == "Türkiye figures 2026-11-22 01:00")
        let entry = try #require(try await pool.withConnection { try DeliveryLedger($0).recent(report: "hourly", limit: 1) }.first)
        #expect(entry.snapshotID == stored.id)
    }

    /// The same with the real renderer: the site `quorum render` publishes from the
    /// demo data, and the mail carries its PNGs byte for byte.
    @Test func theMailCarriesTheRenderedSitesCharts() async throws {
        let (pool, stored, root, build) = try await publishedDemoSite(languages: [.en])
        defer {
            pool.close()
            try? FileManager.default.removeItem(at: root)
        }
        #expect(build.errors.isEmpty, "\(build.errors)")

        let server = try await SMTPServer.start()
        var report = try hourlyReport()
        report.charts = ["participants-by-body-year", "format-mix"]
        let mailer = Mailer(pool: pool, reports: [report], settings: smtpSettings(server), siteDirectory: root, logger: quiet)
        mailer.start(at: utc("2026-11-22T00:30:00Z"))
        let outcomes = await mailer.deliverDue(now: utc("2026-11-22T01:00:00Z"), cached: stored, fence: noFence)
        #expect(outcomes.map(\.kind) == [.sent])

        let parsed = try await ParsedMessage.parse(try #require(server.messages.first))
        let published = try report.charts.map { try [UInt8](Data(contentsOf: root.appendingPathComponent("current/charts/\($0).png"))) }
        var expected: [String] = []
        for png in published { expected.append(try await sha256(png)) }
        #expect(parsed.images.map(\.sha256) == expected)
        #expect(parsed.images.allSatisfy { $0.png })
        // The chart's alt text states its figures, the Business Council's at-least 140 among them.
        #expect(parsed.html?.contains("140+") == true)
    }

    /// A report in Russian and one in Chinese, through the real SMTP server: the
    /// subject (RFC 2047), the words, the charts (the language's own images) and
    /// the dates are in the language, and Python's email package reads them back exactly.
    @Test(arguments: [Language.ru, .zh])
    func aReportArrivesInItsLanguage(language: Language) async throws {
        let (pool, stored, root, build) = try await publishedDemoSite(languages: [language])
        defer {
            pool.close()
            try? FileManager.default.removeItem(at: root)
        }

        let server = try await SMTPServer.start()
        var report = try hourlyReport()
        report.language = language
        report.subject = Wording(language).reportSubject + (language == .ru ? " · Совещание по взаимодействию" : " · 亚洲相互协作与信任措施会议")
        report.charts = ["participants-by-body-year", "format-share"]
        report.tables = ["body_year", "format_mix", "organisation_totals"]
        let mailer = Mailer(pool: pool, reports: [report], settings: smtpSettings(server), siteDirectory: root, logger: quiet)
        mailer.start(at: utc("2026-11-22T00:30:00Z"))
        let outcomes = await mailer.deliverDue(now: utc("2026-11-22T01:00:00Z"), cached: stored, fence: noFence)
        #expect(outcomes.map(\.kind) == [.sent])

        let parsed = try await ParsedMessage.parse(try #require(server.messages.first))
        #expect(parsed.subject == report.subject(period: utc("2026-11-22T01:00:00Z"), snapshotID: stored.id))
        // The tables: titles, headings and the key in the language, none of the English ones.
        for part in [try #require(parsed.html), try #require(parsed.text)] {
            for table in report.tables {
                #expect(part.contains(try #require(ColumnLabels.title(of: table, in: language))), "\(table)")
                #expect(!part.contains(try #require(ColumnLabels.title(of: table))), "\(table) in English")
            }
            #expect(part.contains(ColumnLabels.heading("participants", in: "body_year", language: language)))
            #expect(!part.contains("Member States represented") && !part.contains("Participants per session"))
            #expect(part.contains(Wording(language).qualifierKey))
            #expect(part.contains(language == .ru ? "мероприяти" : "场活动"), "events counted in words of the language")
            // The organisation by the name the dataset gives in the language (the text part may wrap it).
            let words = part.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(words.contains(language == .ru ? "Совещание по взаимодействию и мерам доверия в Азии" : "亚洲相互协作与信任措施会议"))
        }
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.long_lines.isEmpty)
        let wording = Wording(language)
        let html = try #require(parsed.html), text = try #require(parsed.text)
        #expect(html.contains("<html lang=\"\(language.rawValue)\">"))
        let title = try #require(build.charts.first { $0.spec.name == "format-share" && $0.spec.language == language }).spec.title
        #expect(html.contains(title) && text.contains(title), "the chart's title in the language")
        #expect(text.contains(wording.reportProvenance(snapshot: stored.id, dataVersion: stored.dataVersion, computed: "", period: "").prefix(6)))
        #expect(text.contains(wording.sourcePrefix))
        // The charts are the language's own images, byte for byte.
        let published = try report.charts.map {
            try [UInt8](Data(contentsOf: root.appendingPathComponent("current/\(language.rawValue)/charts/\($0).png")))
        }
        var expected: [String] = []
        for png in published { expected.append(try await sha256(png)) }
        #expect(parsed.images.map(\.sha256) == expected)
    }
}

/// The demo data in a database of its own, aggregated, and the site rendered
/// from its snapshot, published under a temporary root.
func publishedDemoSite(languages: [Language] = Language.allCases) async throws -> (
    pool: ConnectionPool, snapshot: Snapshot, root: URL, build: SiteBuild
) {
    let conninfo = try await offPool { try TestDatabase.fresh() }
    let pool = ConnectionPool(conninfo: conninfo)
    let stored = try await pool.withConnection { connection in
        _ = try DatasetImporter(connection).run(try DemoData.dataset(), file: "demo")
        return try Aggregator().run(connection)
    }
    let root = try temporaryDirectory("site")
    let build = try await offPool { try SiteBuilder.build(snapshot: stored, charts: ChartSet.builtIn(), languages: languages) }
    try SitePublisher(root: root).publish(build.files)
    return (pool, stored, root, build)
}
