import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumSite

/// Every page is published with its PDF beside it, listed in the manifest and
/// linked from the page; the PDF holds the page's figures as text.
@Suite(.testDatabases) struct SitePDFTests {
    @Test func everyPageHasItsPDFInTheRelease() async throws {
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
            let path = page.pdfPath
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
        // The registers too, with every event's words and every fact's figure.
        let events = try await offPool { try PopplerReading(pdf: try #require(files["register-events.pdf"])) }
        #expect(events.text.contains("116 participants"))
        #expect(events.text.contains("4th Plenary Session"))
        #expect(events.text.contains("Register of events"))
        let facts = try await offPool { try PopplerReading(pdf: try #require(files["register-facts.pdf"])) }
        #expect(facts.text.contains("160"))
        #expect(manifest.pages.first { $0.path == "register-events.html" }?.pdf == "register-events.pdf")
        #expect(files.keys.filter { $0.hasSuffix(".pdf") }.count == manifest.pages.count)
    }
}
