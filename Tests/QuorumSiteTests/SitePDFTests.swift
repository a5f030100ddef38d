import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing
@testable import QuorumSite

/// Every page with charts is published with its PDF beside it, listed in the
/// manifest and linked from the page; the PDF holds the page's figures as text.
@Suite struct SitePDFTests {
    @Test func everyPageWithChartsHasItsPDFInTheRelease() async throws {
        let (snapshot, charts) = try await offPool {
            let c = try TestDatabase.seeded()
            defer { c.finish() }
            let snapshot = try Aggregator().run(c)
            return (snapshot, try ChartSet.builtIn().specs.map { try RenderedChart.render($0, snapshot: snapshot) })
        }
        let files = try Site.files(snapshot: snapshot, charts: charts, errors: [], renderedAt: Date(timeIntervalSince1970: 1_795_000_000))
        let manifest = try SiteManifest.decode(Data(try #require(files[SiteManifest.fileName])))
        let pages = SitePage.pages(for: charts)
        #expect(pages.count > 2)
        for page in pages {
            let path = try #require(page.pdfPath, "\(page.name) has charts")
            #expect(manifest.pages.first { $0.path == page.path }?.pdf == path)
            let html = String(decoding: try #require(files[page.path]), as: UTF8.self)
            #expect(html.contains("<a href=\"\(path)\" type=\"application/pdf\">"))
            let pdf = try await offPool { try PopplerReading(pdf: try #require(files[path])) }
            #expect(pdf.info["Page size"]?.hasSuffix("(A4)") == true)
            for chart in charts where page.chartNames.contains(chart.spec.name) {
                #expect(pdf.text.contains(chart.spec.title), "\(path): \(chart.spec.title)")
                for point in chart.data.shownPoints { #expect(pdf.text.contains(point.label), "\(path): \(point.label)") }
            }
        }
        // Register pages have no charts, and no PDF.
        #expect(manifest.pages.first { $0.path == "register-events.html" }?.pdf == nil)
        #expect(files.keys.filter { $0.hasSuffix(".pdf") }.count == pages.count)
    }
}
