import ArgumentParser
import Foundation
import QuorumDaemon
import QuorumMail
import QuorumModel
import QuorumPrint
import QuorumStore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Scheduled report e-mails: list them, send one now, preview one as an .eml file, or print one as a PDF.",
        subcommands: [List.self, Send.self, Preview.self, PDF.self])

    /// Options the report commands share.
    struct Options: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Configuration file defining the reports (default: $QUORUM_CONFIG); see Deploy/quorum.example.toml.")
        var config: String?
        @Option(name: .customLong("site-dir"), help: "Published site whose charts to use (default: render.site_dir, else DATA_DIR/site).")
        var siteDirectory: String?

        func configuration() throws -> QuorumDaemon.Configuration {
            try QuorumDaemon.Configuration.load(file: config, environment: ProcessInfo.processInfo.environment)
        }

        func report(_ name: String, in configuration: QuorumDaemon.Configuration) throws -> Report {
            guard let report = configuration.mail[report: name] else {
                let known = configuration.mail.reports.map(\.name)
                throw ValidationError(
                    "no report \(name) in the configuration" + (known.isEmpty ? "" : " (reports: \(known.joined(separator: ", ")))"))
            }
            return report
        }

        /// The report's e-mail for the current minute, from the newest site and snapshot;
        /// made `count` times when timing it, with the time each took (load, compose, render).
        func compose(_ name: String, count: Int = 1) async throws -> (MailMessage, MailSettings, [Duration]) {
            let configuration = try configuration()
            let report = try report(name, in: configuration)
            let settings = try configuration.mail.settings(environment: ProcessInfo.processInfo.environment)
            let site =
                siteDirectory.map { URL(fileURLWithPath: $0) }
                ?? RenderService.siteRoot(configuration, dataDirectory: database.resolvedDataDirectory)
            let now = Date()
            let period = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
            var times: [Duration] = []
            let message = try await database.withDatabase { connection in
                var message: MailMessage?
                for _ in 0..<max(1, count) {
                    let started = ContinuousClock.now
                    let (snapshot, published) = try ReportContent.load(connection, siteDirectory: site, needsSite: !report.charts.isEmpty)
                    message = try ReportComposer(
                        from: settings.from, charts: RenderService.charts(configuration),
                        attachmentLimit: settings.attachmentLimit
                    )
                    .compose(report, period: period, snapshot: snapshot, site: published, date: now)
                    _ = try message!.rendered()
                    times.append(ContinuousClock.now - started)
                }
                return message!
            }
            return (message, settings, times)
        }
    }

    /// "composed 11 times: median 12.30 ms, slowest 15.10 ms".
    static func timings(_ times: [Duration], _ what: String) -> String {
        let sorted = times.sorted()
        func ms(_ duration: Duration) -> String {
            String(format: "%.2f", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
        }
        return "\(what) \(times.count) times: median \(ms(sorted[sorted.count / 2])) ms, slowest \(ms(sorted.last!)) ms"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each report's next send time (its time zone and UTC) and its last deliveries from the ledger.")
        @OptionGroup var options: Options
        @Option(help: "How many past deliveries to show per report.")
        var last = 3

        func run() async throws {
            let configuration = try options.configuration()
            guard !configuration.mail.reports.isEmpty else {
                print("no reports configured ([report.NAME] sections; see Deploy/quorum.example.toml)")
                return
            }
            let utc = ISO8601DateFormatter()
            try await options.database.withDatabase { connection in
                let ledger = DeliveryLedger(connection)
                for report in configuration.mail.reports {
                    let local = DateFormatter()
                    local.timeZone = report.schedule.timeZone
                    local.dateFormat = "yyyy-MM-dd HH:mm xxx"
                    print(
                        "\(report.name): \(report.schedule)  to \((report.to + report.cc).map(\.address).joined(separator: ", "))"
                            + (report.bcc.isEmpty ? "" : " (+\(report.bcc.count) bcc)"))
                    if let next = report.schedule.next(after: Date()) {
                        print("  next:  \(local.string(from: next)) \(report.schedule.timeZone.identifier)    \(utc.string(from: next))")
                    } else {
                        print("  next:  never (the schedule has no run within eight years)")
                    }
                    let entries = try ledger.recent(report: report.name, limit: last)
                    if entries.isEmpty { print("  no deliveries yet") }
                    for entry in entries {
                        var line = "  \(utc.string(from: entry.period))  \(entry.status)"
                        if let sent = entry.sentAt { line += " at \(utc.string(from: sent))" }
                        if let snapshot = entry.snapshotID { line += ", snapshot \(snapshot)" }
                        if let bytes = entry.messageBytes {
                            line += ", \(bytes) bytes" + (entry.attachmentBytes.map { " (attachments \($0))" } ?? "")
                        }
                        if entry.attempts > 1 { line += ", \(entry.attempts) attempts" }
                        if let error = entry.lastError, entry.status != "sent" { line += " — \(error)" }
                        print(line)
                    }
                }
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a report now through the configured transport, outside its schedule and the delivery ledger.")
        @OptionGroup var options: Options
        @Argument(help: "The report's name ([report.NAME]).")
        var name: String
        @Flag(help: "Send now (required: this is not the scheduled delivery).")
        var now = false

        func validate() throws {
            guard now else { throw ValidationError("say --now: this sends the report at once, outside its schedule") }
        }

        func run() async throws {
            let (message, settings, _) = try await options.compose(name)
            try await settings.makeTransport().send(message)
            print(
                "sent \(name) to \(message.recipients.count) recipient\(message.recipients.count == 1 ? "" : "s"): Message-ID <\(message.messageID)>")
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a report's e-mail as it would be sent now into an .eml file, to open in a mail client.")
        @OptionGroup var options: Options
        @Argument(help: "The report's name ([report.NAME]).")
        var name: String
        @Option(name: .customLong("out"), help: "The .eml file to write.")
        var output: String
        @Option(
            help: ArgumentHelp(
                "Compose this many times and print the median and slowest time (Benchmarks/mail.sh).",
                visibility: .hidden))
        var timings = 1

        func run() async throws {
            let (message, _, times) = try await options.compose(name, count: timings)
            if timings > 1 { print(ReportCommand.timings(times, "composed")) }
            let bytes = try message.rendered()
            try FileTransport.write(bytes, to: URL(fileURLWithPath: output))
            print(
                "wrote \(output) (\(bytes.count) bytes, \(message.images.count) chart\(message.images.count == 1 ? "" : "s"), "
                    + "\(message.attachments.count) attachment\(message.attachments.count == 1 ? "" : "s"))")
        }
    }
}
