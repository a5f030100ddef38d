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
                throw ValidationError("no report \(name) in the configuration" + (known.isEmpty ? "" : " (reports: \(known.joined(separator: ", ")))"))
            }
            return report
        }

        /// The report's e-mail for the current minute, from the newest site and snapshot;
        /// made `count` times when timing it, with the time each took (load, compose, render).
        func compose(_ name: String, count: Int = 1) throws -> (MailMessage, MailSettings, [Duration]) {
            let configuration = try configuration()
            let report = try report(name, in: configuration)
            let settings = try configuration.mail.settings(environment: ProcessInfo.processInfo.environment)
            let site = siteDirectory.map { URL(fileURLWithPath: $0) }
                ?? RenderService.siteRoot(configuration, dataDirectory: database.resolvedDataDirectory)
            let now = Date()
            let period = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
            var times: [Duration] = []
            let message = try database.withDatabase { connection in
                var message: MailMessage?
                for _ in 0..<max(1, count) {
                    let started = ContinuousClock.now
                    let (snapshot, published) = try ReportContent.load(connection, siteDirectory: site, needsSite: !report.charts.isEmpty)
                    message = try ReportComposer(from: settings.from, charts: RenderService.charts(configuration),
                                                 attachmentLimit: settings.attachmentLimit)
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

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each report's next send time (its time zone and UTC) and its last deliveries from the ledger.")
        @OptionGroup var options: Options
        @Option(help: "How many past deliveries to show per report.")
        var last = 3

        func run() throws {
            let configuration = try options.configuration()
            guard !configuration.mail.reports.isEmpty else {
                print("no reports configured ([report.NAME] sections; see Deploy/quorum.example.toml)")
                return
            }
            let utc = ISO8601DateFormatter()
            try options.database.withDatabase { connection in
                let ledger = DeliveryLedger(connection)
                for report in configuration.mail.reports {
                    let local = DateFormatter()
                    local.timeZone = report.schedule.timeZone
                    local.dateFormat = "yyyy-MM-dd HH:mm xxx"
                    print("\(report.name): \(report.schedule)  to \((report.to + report.cc).map(\.address).joined(separator: ", "))"
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
            let (message, settings, _) = try options.compose(name)
            try await settings.makeTransport().send(message)
            print("sent \(name) to \(message.recipients.count) recipient\(message.recipients.count == 1 ? "" : "s"): Message-ID <\(message.messageID)>")
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a report's e-mail as it would be sent now into an .eml file, to open in a mail client.")
        @OptionGroup var options: Options
        @Argument(help: "The report's name ([report.NAME]).")
        var name: String
        @Option(name: .customLong("out"), help: "The .eml file to write.")
        var output: String
        @Option(help: ArgumentHelp("Compose this many times and print the median and slowest time (Benchmarks/mail.sh).",
                                   visibility: .hidden))
        var timings = 1

        func run() throws {
            let (message, _, times) = try options.compose(name, count: timings)
            if timings > 1 { print(ReportCommand.timings(times, "composed")) }
            let bytes = try message.rendered()
            try FileTransport.write(bytes, to: URL(fileURLWithPath: output))
            print("wrote \(output) (\(bytes.count) bytes, \(message.images.count) chart\(message.images.count == 1 ? "" : "s"), "
                  + "\(message.attachments.count) attachment\(message.attachments.count == 1 ? "" : "s"))")
        }
    }
}

extension ReportCommand {
    struct PDF: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a report as a PDF: its charts, their figures and sources, and its tables, from the published site's snapshot.")
        @OptionGroup var options: Options
        @Argument(help: "The report's name ([report.NAME]).")
        var name: String
        @Option(name: .customLong("out"), help: "The .pdf file to write.")
        var output: String
        @Option(help: "The period the report is for, ISO 8601 (default: the current minute). The same period and snapshot give the same bytes.")
        var period: String?
        @Option(help: "Paper: a4 or letter (default: the report's paper).")
        var paper: Paper.Size?
        @Option(help: "portrait or landscape (default: the report's orientation).")
        var orientation: Paper.Orientation?
        @Option(help: ArgumentHelp("Make the PDF this many times and print the median and slowest time (Benchmarks/pdf.sh).",
                                   visibility: .hidden))
        var timings = 1

        func run() throws {
            let configuration = try options.configuration()
            var report = try options.report(name, in: configuration)
            if let paper { report.paper.size = paper }
            if let orientation { report.paper.orientation = orientation }
            let instant: Date
            if let period {
                guard let parsed = ISO8601DateFormatter().date(from: period) else {
                    throw ValidationError("--period: '\(period)' is not an ISO 8601 time such as 2026-12-07T04:00:00Z")
                }
                instant = parsed
            } else {
                instant = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
            }
            let site = options.siteDirectory.map { URL(fileURLWithPath: $0) }
                ?? RenderService.siteRoot(configuration, dataDirectory: options.database.resolvedDataDirectory)
            let composer = ReportComposer(from: try MailAddress("quorum@localhost"), charts: RenderService.charts(configuration))
            var times: [Duration] = []
            var resident: [Int] = []  // after a tenth of the runs, and after all of them
            let bytes = try options.database.withDatabase { connection in
                let (snapshot, _) = try ReportContent.load(connection, siteDirectory: site, needsSite: false)
                var bytes: [UInt8] = []
                for run in 1...max(1, timings) {
                    let started = ContinuousClock.now
                    bytes = try composer.pdf(report, period: instant, snapshot: snapshot)
                    times.append(ContinuousClock.now - started)
                    if run == max(1, timings / 10) || run == timings { resident.append(Self.residentKilobytes()) }
                }
                return bytes
            }
            if timings > 1 {
                print(ReportCommand.timings(times, "made the PDF"))
                print("resident memory: \(resident.first ?? 0) kB after \(max(1, timings / 10)) PDFs, \(resident.last ?? 0) kB after \(timings)")
            }
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            print("wrote \(output) (\(bytes.count) bytes, \(report.charts.count) chart\(report.charts.count == 1 ? "" : "s"), "
                  + "\(report.tables.count) table\(report.tables.count == 1 ? "" : "s"), \(report.paper.size.rawValue) \(report.paper.orientation.rawValue))")
        }
    }
}

extension ReportCommand.PDF {
    /// VmRSS from /proc/self/status, in kB (0 where there is none).
    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

extension Paper.Size: ExpressibleByArgument {}
extension Paper.Orientation: ExpressibleByArgument {}
