import Foundation
import Logging
import QuorumAggregates
import QuorumCharts
import QuorumStore
import Synchronization

/// What the mailer takes the time from: the system clock, or a test's.
public protocol MailClock: Sendable {
    var now: Date { get }
    /// Sleeps until `deadline` or for a while, whichever comes first; the caller
    /// looks again either way (leadership may have changed meanwhile).
    func sleep(until deadline: Date) async throws
}

public struct SystemMailClock: MailClock {
    /// The longest nap, so a new leader starts sending within it.
    public var longestNap: Duration
    public init(longestNap: Duration = .seconds(5)) {
        self.longestNap = longestNap
    }
    public var now: Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = min(max(0, deadline.timeIntervalSinceNow), Double(longestNap.components.seconds) + 0.001)
        try await Task.sleep(for: .seconds(seconds))
    }
}

/// Mail settings shared by every report.
public struct MailSettings: Sendable, Equatable {
    public enum Transport: Sendable, Equatable {
        case smtp(SMTPSettings)
        case file(directory: String)
    }
    public var from: MailAddress
    public var transport: Transport
    /// How long a claim holds before another leader may take it over.
    public var lease: Duration = .seconds(300)
    /// Attempts per period before it is given up as failed.
    public var maximumAttempts = 5
    /// A period older than this when its turn comes counts as missed (downtime),
    /// and the report's catch-up policy decides.
    public var lateAfter: TimeInterval = 900
    /// The most bytes a message's attachments may come to: 10 MB, which the common
    /// mail services accept.
    public var attachmentLimit = MailSettings.defaultAttachmentLimit
    public static let defaultAttachmentLimit = 10_000_000

    public init(from: MailAddress, transport: Transport) {
        self.from = from
        self.transport = transport
    }

    public func makeTransport() -> any MailTransport {
        switch transport {
        case .smtp(let settings): SMTPTransport(settings: settings)
        case .file(let directory): FileTransport(directory: URL(fileURLWithPath: directory))
        }
    }
}

/// Sends the reports that are due, each period once.
///
/// Only the leader calls `deliverDue`; every claim is fenced by the caller's
/// `fence`, so a process that lost the leadership cannot claim. Which periods are
/// due comes from each report's schedule and the ledger: those after the newest
/// period the ledger holds (or, for a report it has never seen, after this
/// mailer started), plus claims abandoned by a sender that died.
public final class Mailer: Sendable {
    public struct Outcome: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case sent, skipped(String), failed(String), heldByAnother }
        public let report: String
        public let period: Date
        public let kind: Kind
    }

    private let pool: ConnectionPool
    private let state: Mutex<(reports: [Report], settings: MailSettings, transport: any MailTransport, charts: ChartSet)>
    private let siteDirectory: URL?
    private let logger: Logger
    /// Who claims: host, process and a random part, for the ledger's claimed_by.
    public let owner: String
    /// When each report was first seen by this mailer: its start when the ledger has nothing.
    private let firstSeen = Mutex<[String: Date]>([:])
    /// The last problem logged per report, so one that persists (no site published
    /// yet) is logged once, not at every look.
    private let lastProblem = Mutex<[String: String]>([:])

    public init(
        pool: ConnectionPool, reports: [Report], settings: MailSettings, transport: (any MailTransport)? = nil,
        charts: ChartSet = ChartSet(specs: [], errors: []), siteDirectory: URL?, logger: Logger
    ) {
        self.pool = pool
        state = Mutex((reports, settings, transport ?? settings.makeTransport(), charts))
        self.siteDirectory = siteDirectory
        self.logger = logger
        owner = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
    }

    public var reports: [Report] { state.withLock { $0.reports } }

    /// Notes when this mailer started: a report the ledger has never seen is due
    /// from then on, not from the beginning of its schedule.
    public func start(at instant: Date) {
        firstSeen.withLock { seen in
            for report in reports where seen[report.name] == nil { seen[report.name] = instant }
        }
    }

    /// Applies a reloaded configuration.
    public func reconfigure(reports: [Report], settings: MailSettings, charts: ChartSet) {
        state.withLock { $0 = (reports, settings, settings.makeTransport(), charts) }
    }

    /// The next instant any report is due after `instant`.
    public func nextDue(after instant: Date) -> Date? {
        reports.compactMap { $0.schedule.next(after: instant) }.min()
    }

    /// Sends (or skips, by policy) every period due at `now`. `cached` is the
    /// snapshot in memory; the mail uses the site's snapshot when the site shows another.
    @discardableResult
    public func deliverDue(now: Date, cached: Snapshot?, fence: @escaping @Sendable (Connection) throws -> Void) async -> [Outcome] {
        let (reports, settings, transport, charts) = state.withLock { ($0.reports, $0.settings, $0.transport, $0.charts) }
        var outcomes: [Outcome] = []
        for report in reports {
            let started = firstSeen.withLock { seen in
                if let started = seen[report.name] { return started }
                seen[report.name] = now
                return now
            }
            do {
                let (last, abandoned) = try await pool.withConnection { connection in
                    let ledger = DeliveryLedger(connection)
                    return (try ledger.lastPeriod(report: report.name), try ledger.abandoned(report: report.name))
                }
                let plan = Self.plan(
                    report, due: Self.periods(report, after: last ?? started, through: now),
                    now: now, lateAfter: settings.lateAfter)
                for period in plan.skip {
                    let messageID = report.messageID(period: period, from: settings.from)
                    try await pool.withConnection { connection in
                        try DeliveryLedger(connection).markSkipped(
                            report: report.name, period: period, messageID: messageID,
                            reason: "missed while no leader ran (catch_up = \(report.catchUp.rawValue))",
                            fence: fence)
                    }
                    outcomes.append(Outcome(report: report.name, period: period, kind: .skipped("missed")))
                }
                for period in (abandoned + plan.send) {
                    outcomes.append(
                        await deliver(
                            report, period: period, now: now, cached: cached, settings: settings,
                            transport: transport, charts: charts, fence: fence))
                }
            } catch {
                logger.error("report mail: cannot read the delivery ledger", metadata: ["report": "\(report.name)", "error": "\(error)"])
            }
        }
        return outcomes
    }

    /// The schedule's periods in (after, through], at most the newest `limit`. After a
    /// long downtime only the newest matter (the catch-up limit is at most 1000), so it
    /// looks back from `through` in growing windows instead of walking from `after`.
    static func periods(_ report: Report, after: Date, through: Date, limit: Int = 1000) -> [Date] {
        var window: TimeInterval = 3600
        while true {
            let start = max(after, through.addingTimeInterval(-window))
            var periods: [Date] = []
            var cursor = start
            while let next = report.schedule.next(after: cursor), next <= through {
                periods.append(next)
                cursor = next
            }
            if periods.count >= limit || start == after { return Array(periods.suffix(limit)) }
            window *= 4
        }
    }

    /// Which due periods to send and which to record as skipped, by the catch-up policy.
    static func plan(_ report: Report, due: [Date], now: Date, lateAfter: TimeInterval) -> (send: [Date], skip: [Date]) {
        let missed = due.filter { now.timeIntervalSince($0) > lateAfter }
        let onTime = due.filter { now.timeIntervalSince($0) <= lateAfter }
        let caughtUp: [Date]
        switch report.catchUp {
        case .skip: caughtUp = []
        case .latest: caughtUp = onTime.isEmpty ? Array(missed.suffix(1)) : []
        case .all: caughtUp = Array(missed.suffix(report.catchUpLimit))
        }
        return (caughtUp + onTime, missed.filter { !caughtUp.contains($0) })
    }

    private func deliver(
        _ report: Report, period: Date, now: Date, cached: Snapshot?, settings: MailSettings,
        transport: any MailTransport, charts: ChartSet, fence: @escaping @Sendable (Connection) throws -> Void
    ) async -> Outcome {
        let owner = self.owner
        func outcome(_ kind: Outcome.Kind) -> Outcome { Outcome(report: report.name, period: period, kind: kind) }
        do {
            let (snapshot, site) = try await content(cached: cached, needsSite: !report.charts.isEmpty)
            if report.skipWhenUnchanged {
                let lastVersion = try await pool.withConnection { try DeliveryLedger($0).lastSentDataVersion(report: report.name) }
                if lastVersion == snapshot.dataVersion {
                    let messageID = report.messageID(period: period, from: settings.from)
                    try await pool.withConnection { connection in
                        try DeliveryLedger(connection).markSkipped(
                            report: report.name, period: period, messageID: messageID,
                            reason: "data unchanged since the last delivery", fence: fence)
                    }
                    logger.info("report mail: skipped, data unchanged", metadata: ["report": "\(report.name)", "period": "\(period)"])
                    return outcome(.skipped("unchanged"))
                }
            }
            let messageID = report.messageID(period: period, from: settings.from)
            let leaseEnds = ContinuousClock.now + settings.lease  // at the latest: the lease starts with the claim
            let claim = try await pool.withConnection { connection in
                try DeliveryLedger(connection).claim(
                    report: report.name, period: period, messageID: messageID,
                    owner: owner, lease: settings.lease, fence: fence)
            }
            guard let claim else { return outcome(.heldByAnother) }
            var sizes = (message: 0, attachments: 0)
            do {
                let composer = ReportComposer(from: settings.from, charts: charts, attachmentLimit: settings.attachmentLimit)
                var message = try composer.compose(report, period: period, snapshot: snapshot, site: site, date: now)
                message.messageID = claim.messageID
                sizes = (try message.rendered().count, message.attachments.reduce(0) { $0 + $1.bytes.count })
                try await transport.send(message)
            } catch {
                let permanent = error.isPermanent || error.isHeaderInjection || error.isAddress
                try await pool.withConnection { connection in
                    try DeliveryLedger(connection).markAttemptFailed(
                        report: report.name, period: period, owner: owner, error: error.description, permanent: permanent,
                        retryAfter: .seconds(min(3600, 30 << min(claim.attempts, 7))), maximumAttempts: settings.maximumAttempts)
                }
                logger.error(
                    "report mail: not sent",
                    metadata: [
                        "report": "\(report.name)", "period": "\(period)",
                        "attempt": "\(claim.attempts)", "error": "\(error)",
                    ])
                return outcome(.failed(error.description))
            }
            let sent = sizes
            // The message went out: recording it is retried while the database is away, for as long
            // as the claim holds. Past that another leader may send it again (same Message-ID).
            var pause = Duration.seconds(1)
            while true {
                do {
                    try await pool.withConnection { connection in
                        try DeliveryLedger(connection).markSent(
                            report: report.name, period: period, snapshotID: snapshot.id,
                            dataVersion: snapshot.dataVersion, messageBytes: sent.message,
                            attachmentBytes: sent.attachments)
                    }
                    break
                } catch  where !Task.isCancelled && ContinuousClock.now + pause < leaseEnds {
                    if pause == .seconds(1) {
                        logger.warning(
                            "report mail: sent, but the ledger cannot record it yet; retrying",
                            metadata: ["report": "\(report.name)", "period": "\(period)", "error": "\(error)"])
                    }
                    try await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(30))
                } catch {
                    logger.error(
                        "report mail: sent, but the ledger cannot record it; it is sent again with the same Message-ID once the claim's lease runs out",
                        metadata: ["report": "\(report.name)", "period": "\(period)", "message_id": "\(claim.messageID)", "error": "\(error)"])
                    return outcome(.failed("\(error)"))
                }
            }
            lastProblem.withLock { _ = $0.removeValue(forKey: report.name) }
            logger.notice(
                "report mail: sent",
                metadata: [
                    "report": "\(report.name)", "period": "\(period)",
                    "message_id": "\(claim.messageID)", "snapshot": "\(snapshot.id)",
                ])
            return outcome(.sent)
        } catch {
            let problem = "\(error)"
            let repeated = lastProblem.withLock { $0.updateValue(problem, forKey: report.name) == problem }
            logger.log(
                level: repeated ? .debug : .error, "report mail: cannot send yet; trying again",
                metadata: ["report": "\(report.name)", "period": "\(period)", "error": "\(problem)"])
            return outcome(.failed(problem))
        }
    }

    func content(cached: Snapshot?, needsSite: Bool) async throws -> (Snapshot, PublishedSite?) {
        let siteDirectory = self.siteDirectory
        return try await pool.withConnection { connection in
            try ReportContent.load(connection, cached: cached, siteDirectory: siteDirectory, needsSite: needsSite)
        }
    }
}

/// Where a report's content comes from.
public enum ReportContent {
    /// The snapshot and site to build from: the published site with the snapshot
    /// it was rendered from (loaded by id unless `cached` is that one), so the mail
    /// and the site agree; with no site, the newest snapshot. A report with charts
    /// needs the site.
    public static func load(
        _ connection: Connection, cached: Snapshot? = nil, siteDirectory: URL?,
        needsSite: Bool
    ) throws -> (Snapshot, PublishedSite?) {
        let site: PublishedSite?
        do {
            site = try siteDirectory.map { try PublishedSite(siteDirectory: $0) }
        } catch {
            if needsSite { throw error }
            site = nil
        }
        if let site {
            if let cached, cached.id == site.manifest.snapshot.id { return (cached, site) }
            if let stored = try Aggregator.snapshot(id: site.manifest.snapshot.id, connection) { return (stored, site) }
            if needsSite { throw MailError.site("the snapshot the site shows (\(site.manifest.snapshot.id)) is no longer stored") }
        }
        guard let snapshot = try cached ?? Aggregator.latest(connection) else {
            throw MailError.report("there is no snapshot yet (the leader makes one; or run quorum aggregate)")
        }
        return (snapshot, nil)
    }
}
