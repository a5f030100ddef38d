import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumSite

/// The site made from the demo data: from any figure in a chart's table, one
/// click to the register row it was computed from, which gives the document's words.
@Suite(.testDatabases) struct RegisterTests {
    static let site: Result<[String: String], Error> = Result {
        let c = try TestDatabase.seeded()
        defer { c.finish() }
        let snapshot = try Aggregator().run(c)
        let charts = try ChartSet.builtIn().specs.map { try RenderedChart.render($0, snapshot: snapshot) }
        return try Site.files(snapshot: snapshot, charts: charts, errors: [], renderedAt: Date(timeIntervalSince1970: 1_795_000_000))
            .mapValues { String(decoding: $0, as: UTF8.self) }
    }

    /// Every `id="…"` of a page.
    func ids(_ html: String) -> Set<String> {
        Set(html.components(separatedBy: " id=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) })
    }

    @Test func everyFigureInATableLinksToRowsOfTheRegister() throws {
        let site = try Self.site.get()
        let targets = [
            "register-events.html": ids(try #require(site["register-events.html"])),
            "register-facts.html": ids(try #require(site["register-facts.html"])),
        ]
        var links = 0
        for (path, html) in site where path.hasSuffix(".html") && !path.hasPrefix("register") {
            for link in html.components(separatedBy: "<a href=\"register-").dropFirst() {
                let target = "register-" + link.prefix { $0 != "\"" }
                let parts = target.split(separator: "#").map(String.init)
                if parts.count == 1 { continue }  // the navigation
                #expect(parts.count == 2 && targets[parts[0]]?.contains(parts[1]) == true, "\(path) links to \(target), which is not there")
                links += 1
            }
        }
        #expect(links > 60)
    }

    /// The register's pages show marks (140+, †) and say what they mean once, under
    /// the page's title, as every page does.
    @Test func theRegisterExplainsTheMarksOnce() throws {
        let site = try Self.site.get()
        for page in ["register-events.html", "register-facts.html"] {
            let html = try #require(site[page])
            for words in [Wording(.en).qualifierKey, Wording(.en).derivedMark] {
                #expect(html.components(separatedBy: HTML.escape(words)).count == 2, "\(page): \(words)")
            }
        }
    }

    @Test func theRegisterListsEveryEventWithItsWords() throws {
        let site = try Self.site.get()
        let events = try #require(site["register-events.html"])
        for event in try DemoData.dataset().events {
            #expect(events.contains(HTML.escape(event.title)), "\(event.title) is not in the register")
        }
        #expect(events.contains("Seventh Ministerial Council Meeting <span class=\"status\">(announced)</span>"))
        #expect(events.contains("“116 participants from 19 Member States”"))
        #expect(events.contains("Derived: "))
        let facts = try #require(site["register-facts.html"])
        #expect(facts.contains("From October 2020 to October 2024, 160 events were held"))
        #expect(facts.contains(">Chairmanship<"))
    }

    @Test func everyChartHasMetadataWithSourcesAndACitation() throws {
        let site = try Self.site.get()
        for spec in ChartSet.builtIn().specs {
            let text = try #require(site["data/\(spec.name).metadata.json"], "\(spec.name) has no metadata")
            let metadata = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(metadata["title"] as? String == spec.title)
            #expect((metadata["citation"] as? String)?.contains("snapshot") == true)
            let sources = try #require(metadata["sources"] as? [[String: Any]], "\(spec.name)")
            #expect(!sources.isEmpty, "\(spec.name) names no source")
            #expect(sources.allSatisfy { ($0["locators"] as? [String])?.allSatisfy { $0.contains("“") } == true }, "\(spec.name)")
        }
        let formats = try #require(site["data/format-share.metadata.json"])
        #expect(formats.contains("\"coverage\" : \"The dataset holds 21 of the 160 events"))
    }
}
