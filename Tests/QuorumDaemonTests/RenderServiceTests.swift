import Foundation
import Logging
import QuorumAggregates
import QuorumModel
import QuorumServer
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumDaemon

@Suite(.testDatabases) struct RenderServiceTests {
    func demoSnapshot() throws -> Snapshot {
        let connection = try TestDatabase.connect()
        defer { connection.finish() }
        _ = try DatasetImporter(connection).run(try DemoData.dataset(), file: "demo")
        return try Aggregator().run(connection)
    }

    func manifestSnapshotID(_ site: URL) -> Int? {
        guard let data = try? Data(contentsOf: site.appendingPathComponent("current").appendingPathComponent(SiteManifest.fileName)),
            let manifest = try? SiteManifest.decode(data)
        else { return nil }
        return Int(manifest.snapshot.id)
    }

    /// One small chart file, so the test costs little CPU beside the timing-sensitive daemon tests.
    func chartDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-charts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        title = "Formats"
        kind = "stacked-bars"
        aggregate = "format_mix"
        x = "year"
        values = ["online", "hybrid", "in_person"]
        filter = ["organisation=CICA"]
        coverage = "events"
        width = 320
        height = 160
        """.write(to: directory.appendingPathComponent("format-mix.toml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// A site directory and the one-chart directory, both removed when `body` ends.
    func withSiteAndCharts<T>(_ body: (_ site: URL, _ configuration: Configuration) async throws -> T) async throws -> T {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-render-\(UUID().uuidString)")
        let charts = try chartDirectory()
        defer {
            try? FileManager.default.removeItem(at: site)
            try? FileManager.default.removeItem(at: charts)
        }
        var configuration = Configuration()
        configuration.renderSiteDirectory = site.path
        configuration.renderChartsDirectory = charts.path
        return try await body(site, configuration)
    }

    @Test func rendersEveryNewSnapshot() async throws {
        try await withSiteAndCharts { site, configuration in
            let cache = SnapshotCache()
            let service = RenderService(cache: cache, configuration: configuration, dataDirectory: site, logger: quiet)
            let snapshot = try demoSnapshot()
            cache.offer(snapshot)
            try await withServices([{ try await service.run() }]) {
                let first = try await eventually(timeout: .seconds(30)) { self.manifestSnapshotID(site) == Int(snapshot.id) }
                #expect(first)
                #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("current/charts/format-mix.dark@2x.png").path))
                let newer = Snapshot(
                    id: snapshot.id + 1, startedAt: snapshot.startedAt, finishedAt: Date(),
                    dataVersion: snapshot.dataVersion + 1, tables: snapshot.tables)
                cache.offer(newer)
                let second = try await eventually(timeout: .seconds(30)) { self.manifestSnapshotID(site) == Int(newer.id) }
                #expect(second)
                // Counted just after the swap, so a moment later than the manifest appears.
                let counted = try await eventually { service.renders.load(ordering: .relaxed) == 2 }
                #expect(counted)
                #expect(service.failures.load(ordering: .relaxed) == 0)
            }
        }
    }

    @Test func aFailedRenderIsCountedAndKeepsTheServiceRunning() async throws {
        // The site root is a regular file: no release can be written under it.
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-blocker-\(UUID().uuidString)")
        try Data("not a directory".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        var configuration = Configuration()
        configuration.renderSiteDirectory = blocker.path
        let service = RenderService(cache: SnapshotCache(), configuration: configuration, dataDirectory: blocker, logger: quiet)
        let snapshot = try demoSnapshot()
        #expect(service.render(snapshot) == false)
        #expect(service.failures.load(ordering: .relaxed) == 1)
        #expect(try String(contentsOf: blocker, encoding: .utf8) == "not a directory")
    }

    /// What `/metrics` shows of rendering: the duration of each published render, and failures.
    @Test func rendersAndFailuresReachTheMetrics() async throws {
        // A registry of the test's own: other tests render at the same time.
        let (factory, exposition) = QuorumMetrics.separate()
        func metric(_ name: String) -> Double {
            let line = exposition().split(separator: "\n").first { $0.hasPrefix(name + " ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        let renders = metric("quorum_render_duration_seconds_count")
        let failures = metric("quorum_render_failures_total")
        let snapshot = try demoSnapshot()
        let service = try await withSiteAndCharts { site, configuration in
            let service = RenderService(
                cache: SnapshotCache(), configuration: configuration, dataDirectory: site, logger: quiet, metrics: factory)
            #expect(service.render(snapshot))
            return service
        }
        #expect(service.renders.load(ordering: .relaxed) == 1)
        #expect(metric("quorum_render_duration_seconds_count") == renders + 1, "\(exposition())")
        #expect(metric("quorum_render_failures_total") == failures)
    }
}
