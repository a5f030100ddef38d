import Foundation
import QuorumModel
import QuorumPrint

/// A scheduled report, as `[report.NAME]` in the configuration defines it.
public struct Report: Sendable, Equatable {
    /// What to do with periods that passed while no leader was running.
    public enum CatchUp: String, Sendable, CaseIterable {
        /// Send none of them; wait for the next period.
        case skip
        /// Send the newest one only.
        case latest
        /// Send every one, up to `catchUpLimit` (the newest ones).
        case all
    }

    public let name: String
    public var schedule: CronSchedule
    public var to: [MailAddress]
    public var cc: [MailAddress] = []
    public var bcc: [MailAddress] = []
    /// Recipients must be in one of these domains (or their subdomains); empty allows any.
    public var allowedDomains: [String] = []
    /// With placeholders {report}, {date}, {period}, {snapshot}.
    public var subject = Wording(.en).reportSubject
    /// The language of the message: its charts, Quorum's words and its dates.
    public var language = Language.en
    public var charts: [String] = []
    public var tables: [String] = []
    /// Aggregates to attach as CSV files.
    public var attachments: [String] = []
    /// Attach the whole report as a PDF (`NAME-PERIOD.pdf`), on this paper.
    public var pdf = false
    public var paper = Paper.a4
    public var skipWhenUnchanged = false
    public var catchUp: CatchUp = .latest
    public var catchUpLimit = 10

    public init(name: String, schedule: CronSchedule, to: [MailAddress]) {
        self.name = name
        self.schedule = schedule
        self.to = to
    }

    public static let placeholders = ["{report}", "{date}", "{period}", "{snapshot}"]

    /// Why this report cannot be sent as configured, one line per problem (empty when fine).
    public var problems: [String] {
        var problems: [String] = []
        if !name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) || name.isEmpty {
            problems.append("the report name '\(name)' may only have lower-case letters, digits, - and _")
        }
        if to.isEmpty && cc.isEmpty && bcc.isEmpty { problems.append("report.\(name) has no recipients (to, cc or bcc)") }
        if !allowedDomains.isEmpty {
            for address in to + cc + bcc where !address.isWithin(allowedDomains) {
                problems.append("report.\(name): \(address.address) is outside the allowed domains (\(allowedDomains.joined(separator: ", ")))")
            }
        }
        var rest = subject
        for placeholder in Self.placeholders { rest = rest.replacingOccurrences(of: placeholder, with: "") }
        if let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            problems.append("report.\(name).subject: unknown placeholder \(rest[open...close]) (known: \(Self.placeholders.joined(separator: " ")))")
        }
        if MIME.breaksHeader(subject) {
            problems.append("report.\(name).subject contains a line break")
        }
        for chart in charts where !chart.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            problems.append("report.\(name).charts: '\(chart)' is not a chart name")
        }
        return problems
    }

    /// The subject for a period, placeholders filled in.
    public func subject(period: Date, snapshotID: Int64) -> String {
        subject.replacingOccurrences(of: "{report}", with: name)
            .replacingOccurrences(of: "{date}", with: localDate(period, format: "yyyy-MM-dd"))
            .replacingOccurrences(of: "{period}", with: localDate(period, format: "yyyy-MM-dd HH:mm"))
            .replacingOccurrences(of: "{snapshot}", with: String(snapshotID))
    }

    func localDate(_ date: Date, format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = schedule.timeZone
        formatter.dateFormat = format
        return formatter.string(from: date)
    }

    /// A period's key in Message-IDs and file names: its UTC instant, `20261122T0900Z`.
    public static func periodKey(_ period: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmm'Z'"
        return formatter.string(from: period)
    }

    /// The Message-ID of this report's e-mail for a period — the same for every
    /// attempt, so a resend after a crash can be recognised as the same message.
    public func messageID(period: Date, from: MailAddress) -> String {
        let key = Self.periodKey(period)
        return "\(name).\(key).\(MIME.digest("\(name)|\(key)|\(from.address)"))@\(from.domain)"
    }
}
