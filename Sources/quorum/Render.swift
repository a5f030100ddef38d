import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumDaemon
import QuorumModel
import QuorumSite

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the charts and the HTML site from the latest snapshot and publish them atomically.",
        discussion: """
            The site goes to DIR/releases/<name>, and DIR/current is switched to it in one step; \
            a reader never sees a half-written tree. Without a snapshot, or without the results of the \
            charts' own queries, an aggregation runs first.
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Configuration file (default: $QUORUM_CONFIG), for render.charts_dir and render.site_dir.")
    var config: String?
    @Option(name: .customLong("out"), help: "Site root to publish to (default: render.site_dir, else <data-dir>/site).")
    var output: String?
    @Option(name: .customLong("charts"), help: "Directory of chart files (default: render.charts_dir, else the set built in).")
    var chartsDirectory: String?
    @Option(help: .hidden)  // Benchmarks/render.sh: time N renders of one chart and of the whole set, then stop.
    var benchmark: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try QuorumDaemon.Configuration.load(file: config, environment: environment)
        let dataDirectory =
            database.dataDirectory.map { URL(fileURLWithPath: $0) }
            ?? configuration.dataDirectory.map { URL(fileURLWithPath: $0) } ?? database.resolvedDataDirectory
        let root = output.map { URL(fileURLWithPath: $0) } ?? RenderService.siteRoot(configuration, dataDirectory: dataDirectory)
        let charts = ChartSet.load(directory: (chartsDirectory ?? configuration.renderChartsDirectory).map { URL(fileURLWithPath: $0) })

        let queries = charts.queries.map { AggregateDefinition.chartQuery(name: $0.name, sql: $0.sql) }
        let snapshot = try await database.withDatabase { connection in
            let latest = try Aggregator.latest(connection)
            if let latest, latest.answers(queries) { return latest }
            Terminal.say(latest == nil ? "no snapshot yet: aggregating first" : "aggregating the charts' own queries first")
            return try Aggregator(queries: queries).run(connection, base: latest)
        }
        if let benchmark {
            try Self.benchmark(snapshot: snapshot, charts: charts, languages: configuration.renderLanguages, rounds: benchmark)
            return
        }
        let started = ContinuousClock.now
        let build = try SiteBuilder.build(snapshot: snapshot, charts: charts, languages: configuration.renderLanguages)
        let release = try SitePublisher(root: root).publish(build.files)
        let elapsed = ContinuousClock.now - started
        for error in build.errors { Terminal.say("chart not drawn: \(error)") }
        print(
            "rendered \(build.chartCount) chart\(build.chartCount == 1 ? "" : "s") from snapshot \(snapshot.id) in "
                + "\(elapsed.milliseconds) ms")
        print("published \(release.path)")
        print("open \(root.appendingPathComponent("current/index.html").path)")
        if !build.errors.isEmpty { throw ExitCode(65) }  // EX_DATAERR: the others are published
    }

    /// Median milliseconds of `rounds` runs of: one 800×400 chart (layout, drawing,
    /// palette, PNG), the whole set at 1× light, the whole site (every variant in each
    /// of `languages`, pages, data) and the English one alone, and the site's files
    /// besides the charts.
    static func benchmark(snapshot: Snapshot, charts: ChartSet, languages: [Language], rounds: Int) throws {
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<max(1, rounds) {
                let started = ContinuousClock.now
                try body()
                let elapsed = ContinuousClock.now - started
                times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
            return times.sorted()[times.count / 2]
        }
        guard let one = charts.specs.first(where: { $0.name == "participants-by-body-year" }) ?? charts.specs.first else {
            throw ValidationError("no chart to time")
        }
        let data = try one.data(from: snapshot)
        let style = one.style(theme: .light, scale: 1)
        let oneChart = try median { _ = try ChartRenderer.png(data, style: style) }
        let setLight = try median {
            for spec in charts.specs { _ = try ChartRenderer.png(try spec.data(from: snapshot), style: spec.style(theme: .light, scale: 1)) }
        }
        let site = try median { _ = try SiteBuilder.build(snapshot: snapshot, charts: charts, languages: languages) }
        let english = try median { _ = try SiteBuilder.build(snapshot: snapshot, charts: charts, languages: [.en]) }
        // What a render does besides drawing charts: pages, page PDFs, data files, manifest.
        let drawn = try charts.specs.flatMap { spec in try languages.map { try RenderedChart.render(spec.localized($0), snapshot: snapshot) } }
        let pages = try median {
            _ = try Site.files(snapshot: snapshot, charts: drawn, languages: languages, errors: [], renderedAt: Date())
        }
        func format(_ value: Double) -> String { String((value * 100).rounded() / 100) }
        print("one_chart_ms=\(format(oneChart)) chart=\(one.name) size=\(one.width)x\(one.height)")
        print("default_set_1x_ms=\(format(setLight)) charts=\(charts.specs.count)")
        print("default_site_ms=\(format(site)) languages=\(languages.map(\.rawValue).joined(separator: ","))")
        print("default_site_english_ms=\(format(english))")
        print("pages_ms=\(format(pages)) (pages, their PDFs, data files and manifest, charts already drawn)")
        // Each part alone, one after another: the longest bounds a render on any number of cores.
        let parts = Site.parts(snapshot: snapshot, charts: drawn, languages: languages, errors: [], renderedAt: Date())
        let partTimes = try parts.map { part in try median { _ = try part.make() } }
        print("parts_ms=\(partTimes.map(format).joined(separator: ",")) (\(parts.map(\.name).joined(separator: ",")))")
    }
}
