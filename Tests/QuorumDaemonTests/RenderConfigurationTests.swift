import Foundation
import Testing

@testable import QuorumDaemon

@Suite struct RenderConfigurationTests {
    @Test func readsTheRenderKeys() throws {
        let charts = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-charts-\(UUID())")
        try FileManager.default.createDirectory(at: charts, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: charts) }
        let configuration = try Configuration.load(
            file: nil,
            environment: [
                "QUORUM_RENDER_CHARTS_DIR": charts.path, "QUORUM_RENDER_SITE_DIR": "/srv/quorum/site",
            ])
        #expect(configuration.renderChartsDirectory == charts.path)
        #expect(configuration.renderSiteDirectory == "/srv/quorum/site")
        #expect(RenderService.siteRoot(configuration, dataDirectory: URL(fileURLWithPath: "/var/lib/quorum")).path == "/srv/quorum/site")
        #expect(RenderService.siteRoot(Configuration(), dataDirectory: URL(fileURLWithPath: "/var/lib/quorum")).path == "/var/lib/quorum/site")
    }

    @Test func aChartsDirectoryThatIsNotOneIsRefused() throws {
        do {
            _ = try Configuration.load(file: nil, environment: ["QUORUM_RENDER_CHARTS_DIR": "/nonexistent/charts"])
            Issue.record("accepted")
        } catch let error as Configuration.Invalid {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.contains("QUORUM_RENDER_CHARTS_DIR: render.charts_dir: /nonexistent/charts is not a directory") == true)
        }
    }
}
