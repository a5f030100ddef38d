import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumDaemon
import QuorumSite

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the charts and the HTML site from the latest snapshot and publish them atomically.",
        discussion: """
            The site goes to DIR/releases/<name>, and DIR/current is switched to it in one step; \
            a reader never sees a half-written tree. Without a snapshot, an aggregation runs first.
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Configuration file (default: $QUORUM_CONFIG), for render.charts_dir and render.site_dir.")
    var config: String?
    @Option(name: .customLong("out"), help: "Site root to publish to (default: render.site_dir, else <data-dir>/site).")
    var output: String?
    @Option(name: .customLong("charts"), help: "Directory of chart files (default: render.charts_dir, else the set built in).")
    var chartsDirectory: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration: QuorumDaemon.Configuration
        do { configuration = try QuorumDaemon.Configuration.load(file: config, environment: environment) } catch let error as QuorumDaemon.Configuration.Invalid {
            Terminal.say(error.description)
            throw ExitCode(78)  // EX_CONFIG
        }
        let dataDirectory = database.dataDirectory.map { URL(fileURLWithPath: $0) }
            ?? configuration.dataDirectory.map { URL(fileURLWithPath: $0) } ?? database.resolvedDataDirectory
        let root = output.map { URL(fileURLWithPath: $0) } ?? RenderService.siteRoot(configuration, dataDirectory: dataDirectory)
        let charts = ChartSet.load(directory: (chartsDirectory ?? configuration.renderChartsDirectory).map { URL(fileURLWithPath: $0) })

        let snapshot = try database.withDatabase { connection in
            if let latest = try Aggregator.latest(connection) { return latest }
            Terminal.say("no snapshot yet: aggregating first")
            return try Aggregator().run(connection)
        }
        let started = ContinuousClock.now
        let build = try SiteBuilder.build(snapshot: snapshot, charts: charts)
        let release = try SitePublisher(root: root).publish(build.files)
        let elapsed = ContinuousClock.now - started
        for error in build.errors { Terminal.say("chart not drawn: \(error)") }
        print("rendered \(build.chartCount) chart\(build.chartCount == 1 ? "" : "s") from snapshot \(snapshot.id) in "
              + "\(Int((Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000).rounded())) ms")
        print("published \(release.path)")
        print("open \(root.appendingPathComponent("current/index.html").path)")
        if !build.errors.isEmpty { throw ExitCode(65) }  // EX_DATAERR: the others are published
    }
}
