import ArgumentParser
import Foundation
import QuorumDaemon
import QuorumMail
import QuorumModel
import QuorumPrint
import QuorumStore

extension ReportCommand {
    struct PDF: AsyncParsableCommand {
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
        @Option(
            help: ArgumentHelp(
                "Make the PDF this many times and print the median and slowest time (Benchmarks/pdf.sh).",
                visibility: .hidden))
        var timings = 1

        func run() async throws {
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
            let site =
                options.siteDirectory.map { URL(fileURLWithPath: $0) }
                ?? RenderService.siteRoot(configuration, dataDirectory: options.database.resolvedDataDirectory)
            let composer = ReportComposer(
                from: try configuration.mail.from ?? MailAddress("quorum@localhost"), charts: RenderService.charts(configuration))
            var times: [Duration] = []
            var resident: [Int] = []  // after a tenth of the runs, and after all of them
            let bytes = try await options.database.withDatabase { connection in
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
            print(
                "wrote \(output) (\(bytes.count) bytes, \(report.charts.count) chart\(report.charts.count == 1 ? "" : "s"), "
                    + "\(report.tables.count) table\(report.tables.count == 1 ? "" : "s"), \(report.paper.size.rawValue) \(report.paper.orientation.rawValue))"
            )
        }
    }
}

extension ReportCommand.PDF {
    /// VmRSS from /proc/self/status, in kB (0 where there is none).
    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

extension Paper.Size: ExpressibleByArgument {}
extension Paper.Orientation: ExpressibleByArgument {}
