import Foundation
import QuorumAggregates
import QuorumMail
import QuorumModel
import QuorumPrint

/// The `mail.*` keys and the `[report.NAME]` sections, as read from the configuration.
public struct MailConfiguration: Sendable, Equatable {
    public var transport = "smtp"
    public var smtpURL = "smtp://127.0.0.1:25"
    public var startTLS = false
    public var caFile: String?
    public var from: MailAddress?
    public var username: String?
    public var passwordFile: String?
    public var connectTimeoutMilliseconds = 10_000
    public var timeoutMilliseconds = 60_000
    public var retries = 3
    public var directory: String?
    public var attachmentLimit = MailSettings.defaultAttachmentLimit
    public var reports: [Report] = []

    public init() {}

    /// The settings the mailer runs with; the SMTP password comes from
    /// QUORUM_MAIL_PASSWORD, else from `mail.password_file`.
    public func settings(environment: [String: String]) throws -> MailSettings {
        let from = try from ?? MailAddress("quorum@localhost")
        switch transport {
        case "file":
            var settings = MailSettings(from: from, transport: .file(directory: directory ?? "mail-out"))
            settings.attachmentLimit = attachmentLimit
            return settings
        default:
            var smtp = SMTPSettings(url: smtpURL)
            smtp.startTLS = startTLS
            smtp.caFile = caFile
            smtp.username = username
            if let password = environment["QUORUM_MAIL_PASSWORD"] {
                smtp.password = password
            } else if let passwordFile {
                guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                    throw Configuration.Invalid(problems: ["mail.password_file: \(passwordFile) cannot be read"])
                }
                smtp.password = String(text.trimmingCharacters(in: .newlines))
            }
            smtp.connectTimeout = .milliseconds(connectTimeoutMilliseconds)
            smtp.timeout = .milliseconds(timeoutMilliseconds)
            smtp.retries = retries
            var settings = MailSettings(from: from, transport: .smtp(smtp))
            settings.attachmentLimit = attachmentLimit
            // A claim must outlast the longest send (every attempt timing out, with the
            // backoff between them), or a new leader could take it over mid-send.
            let longestSend = smtp.timeout * (retries + 1) + smtp.backoff * ((1 << min(retries, 10)) - 1)
            settings.lease = max(settings.lease, longestSend + .seconds(60))
            return settings
        }
    }

    public subscript(report name: String) -> Report? { reports.first { $0.name == name } }
}

extension Configuration {
    static let mailKeys: [(key: String, environment: String, help: String)] = [
        ("mail.transport", "QUORUM_MAIL_TRANSPORT", "smtp (through libcurl) or file (.eml files in mail.directory)"),
        ("mail.smtp_url", "QUORUM_MAIL_SMTP_URL", "smtp://host:port (plain or STARTTLS) or smtps://host:port (implicit TLS)"),
        ("mail.starttls", "QUORUM_MAIL_STARTTLS", "require STARTTLS on an smtp:// URL"),
        ("mail.ca_file", "QUORUM_MAIL_CA_FILE", "CA certificates (PEM) to verify the SMTP server with (default: the system's)"),
        ("mail.from", "QUORUM_MAIL_FROM", "sender address, e.g. \"Quorum <quorum@cica.example>\""),
        ("mail.username", "QUORUM_MAIL_USERNAME", "SMTP AUTH user; the password comes from $QUORUM_MAIL_PASSWORD or mail.password_file"),
        ("mail.password_file", "QUORUM_MAIL_PASSWORD_FILE", "file holding the SMTP password (used when $QUORUM_MAIL_PASSWORD is unset)"),
        ("mail.connect_timeout_ms", "QUORUM_MAIL_CONNECT_TIMEOUT_MS", "time allowed to connect to the SMTP server"),
        ("mail.timeout_ms", "QUORUM_MAIL_TIMEOUT_MS", "time allowed for a whole SMTP session"),
        ("mail.retries", "QUORUM_MAIL_RETRIES", "further attempts after a temporary (4xx) failure, with doubling backoff"),
        ("mail.directory", "QUORUM_MAIL_DIRECTORY", "where the file transport writes .eml files"),
        (
            "mail.max_attachment_bytes", "QUORUM_MAIL_MAX_ATTACHMENT_BYTES",
            "the most bytes a report's attachments (CSV files, PDF) may come to; a larger one is not sent (default 10000000)"
        ),
        ("report.NAME.schedule", "", "cron expression of the report's sends (required)"),
        ("report.NAME.time_zone", "", "IANA time zone the schedule and the subject's dates are read in (default UTC)"),
        ("report.NAME.to", "", "recipients (an array of addresses); also cc and bcc"),
        ("report.NAME.allowed_domains", "", "if set, every recipient must be in one of these domains"),
        ("report.NAME.subject", "", "subject template: {report}, {date}, {period}, {snapshot}"),
        ("report.NAME.language", "", "the report's language: en (default), ru or zh; its charts, words and dates are in it"),
        ("report.NAME.charts", "", "chart names from the published site, shown inline"),
        ("report.NAME.tables", "", "aggregates shown as tables"),
        ("report.NAME.attachments", "", "aggregates attached as CSV files"),
        ("report.NAME.pdf", "", "attach the whole report as NAME-PERIOD.pdf (charts, their figures and sources, tables)"),
        ("report.NAME.paper", "", "the PDF's paper: a4 (default) or letter"),
        ("report.NAME.orientation", "", "the PDF's orientation: portrait (default) or landscape"),
        ("report.NAME.skip_when_unchanged", "", "send nothing when the data has not changed since the last delivery"),
        ("report.NAME.catch_up", "", "after downtime: skip, latest (default) or all missed periods"),
        ("report.NAME.catch_up_limit", "", "with catch_up = all, at most this many missed periods (default 10)"),
    ]

    static let reportKeys: Set<String> = [
        "schedule", "time_zone", "to", "cc", "bcc", "allowed_domains", "subject", "language", "charts",
        "tables", "attachments", "pdf", "paper", "orientation", "skip_when_unchanged", "catch_up",
        "catch_up_limit",
    ]

    /// `report.NAME.KEY` with a known KEY.
    static func isReportKey(_ key: String) -> Bool {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "report" && reportKeys.contains(String(parts[2]))
    }

    static func loadMail(_ settings: Settings, problems: inout [String]) -> MailConfiguration {
        var mail = MailConfiguration()
        func origin(_ key: String) -> String { settings[key]?.origin ?? "default" }
        func string(_ key: String) -> String? {
            read(key, of: settings, problems: &problems) { reader throws(ConfigFile.KeyProblem) in try reader.string(key) }
        }
        func integer(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            read(key, of: settings, problems: &problems) { reader throws(ConfigFile.KeyProblem) in try reader.integer(key, in: range) }
        }
        func boolean(_ key: String) -> Bool? {
            read(key, of: settings, problems: &problems) { reader throws(ConfigFile.KeyProblem) in try reader.boolean(key) }
        }
        func strings(_ key: String) -> [String] {
            read(key, of: settings, problems: &problems) { reader throws(ConfigFile.KeyProblem) in try reader.strings(key) } ?? []
        }
        func addresses(_ key: String) -> [MailAddress] {
            strings(key).compactMap { text in
                do { return try MailAddress(parsing: text) } catch {
                    problems.append("\(origin(key)): \(key): \(error)")
                    return nil
                }
            }
        }

        if let transport = string("mail.transport") {
            if ["smtp", "file"].contains(transport) {
                mail.transport = transport
            } else {
                problems.append("\(origin("mail.transport")): mail.transport must be smtp or file")
            }
        }
        if let url = string("mail.smtp_url") {
            let components = URLComponents(string: url)
            if components?.user != nil || components?.password != nil {
                problems.append(
                    "\(origin("mail.smtp_url")): mail.smtp_url must not carry a user or password; use mail.username and $QUORUM_MAIL_PASSWORD")
            } else if let scheme = components?.scheme, ["smtp", "smtps"].contains(scheme), components?.host?.isEmpty == false {
                mail.smtpURL = url
            } else {
                problems.append("\(origin("mail.smtp_url")): mail.smtp_url must be smtp://host[:port] or smtps://host[:port]")
            }
        }
        mail.startTLS = boolean("mail.starttls") ?? mail.startTLS
        mail.caFile = string("mail.ca_file")
        if let from = string("mail.from") {
            do { mail.from = try MailAddress(parsing: from) } catch { problems.append("\(origin("mail.from")): mail.from: \(error)") }
        }
        mail.username = string("mail.username")
        mail.passwordFile = string("mail.password_file")
        mail.connectTimeoutMilliseconds = integer("mail.connect_timeout_ms", 100...600_000) ?? mail.connectTimeoutMilliseconds
        mail.timeoutMilliseconds = integer("mail.timeout_ms", 100...3_600_000) ?? mail.timeoutMilliseconds
        mail.retries = integer("mail.retries", 0...20) ?? mail.retries
        mail.directory = string("mail.directory")
        mail.attachmentLimit = integer("mail.max_attachment_bytes", 1_000...1_000_000_000) ?? mail.attachmentLimit

        let aggregates = Set(AggregateDefinition.builtIn.map(\.name))
        let names = Set(settings.keys.filter(isReportKey).map { String($0.split(separator: ".")[1]) })
        for name in names.sorted() {
            let prefix = "report.\(name)."
            guard let expression = string(prefix + "schedule") else {
                problems.append("\(origin(prefix + "to")): report.\(name) needs a schedule")
                continue
            }
            let schedule: CronSchedule
            do {
                schedule = try CronSchedule(expression, timeZone: string(prefix + "time_zone") ?? "UTC")
            } catch {
                problems.append("\(origin(prefix + "schedule")): \(prefix)schedule / \(prefix)time_zone: \(error)")
                continue
            }
            var report = Report(name: name, schedule: schedule, to: addresses(prefix + "to"))
            report.cc = addresses(prefix + "cc")
            report.bcc = addresses(prefix + "bcc")
            report.allowedDomains = strings(prefix + "allowed_domains")
            if let code = string(prefix + "language") {
                if let language = Language(rawValue: code) {
                    report.language = language
                } else {
                    problems.append(
                        "\(origin(prefix + "language")): \(prefix)language must be one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
            }
            report.subject = string(prefix + "subject") ?? Wording(report.language).reportSubject
            report.charts = strings(prefix + "charts")
            report.tables = strings(prefix + "tables")
            report.attachments = strings(prefix + "attachments")
            for key in ["tables", "attachments"] {
                for table in strings(prefix + key) where !aggregates.contains(table) {
                    problems.append(
                        "\(origin(prefix + key)): \(prefix)\(key): no aggregate \(table) (known: \(aggregates.sorted().joined(separator: ", ")))")
                }
            }
            report.pdf = boolean(prefix + "pdf") ?? false
            if let size = string(prefix + "paper") {
                if let size = Paper.Size(rawValue: size) {
                    report.paper.size = size
                } else {
                    problems.append("\(origin(prefix + "paper")): \(prefix)paper must be a4 or letter")
                }
            }
            if let orientation = string(prefix + "orientation") {
                if let orientation = Paper.Orientation(rawValue: orientation) {
                    report.paper.orientation = orientation
                } else {
                    problems.append("\(origin(prefix + "orientation")): \(prefix)orientation must be portrait or landscape")
                }
            }
            report.skipWhenUnchanged = boolean(prefix + "skip_when_unchanged") ?? false
            if let catchUp = string(prefix + "catch_up") {
                if let policy = Report.CatchUp(rawValue: catchUp) {
                    report.catchUp = policy
                } else {
                    problems.append("\(origin(prefix + "catch_up")): \(prefix)catch_up must be skip, latest or all")
                }
            }
            report.catchUpLimit = integer(prefix + "catch_up_limit", 1...1000) ?? report.catchUpLimit
            problems += report.problems.map { "\(origin(prefix + "schedule")): \($0)" }
            mail.reports.append(report)
        }
        if !mail.reports.isEmpty, mail.from == nil {
            problems.append("default: reports are configured, so mail.from must be set")
        }
        return mail
    }
}
