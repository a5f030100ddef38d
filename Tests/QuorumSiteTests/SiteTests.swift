import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import Testing

@testable import QuorumSite

/// A snapshot with hostile text where data goes.
enum HostileSnapshot {
    static let script = "<script>alert(1)</script>"
    static let snapshot = Snapshot(
        id: 7, startedAt: Date(timeIntervalSince1970: 1_795_000_000), finishedAt: Date(timeIntervalSince1970: 1_795_000_001),
        dataVersion: 3,
        tables: [
            AggregateTable(
                name: "body_year", description: "", columns: ["body_name", "year", "participants", "participants_qualifier"],
                rows: [
                    [.text(script), .integer(2024), .integer(140), .text("at_least")],
                    [.text("=HYPERLINK(\"http://x\")"), .integer(2024), .integer(12), .text("exact")],
                ])
        ])
    static let spec = try! ChartSpec.parse(
        """
        title = "Sessions of \(script.replacingOccurrences(of: "\"", with: "\\\""))"
        kind = "horizental-bars"
        aggregate = "body_year"
        x = "body_name"
        value = "participants"
        """.replacingOccurrences(of: "horizental", with: "horizontal"), file: "Charts/hostile.toml")
}

@Suite struct SiteTests {
    func bytes() throws -> [String: [UInt8]] {
        let chart = try RenderedChart.render(HostileSnapshot.spec, snapshot: HostileSnapshot.snapshot)
        return try Site.files(
            snapshot: HostileSnapshot.snapshot, charts: [chart],
            errors: [ChartError.spec(file: "Charts/<b>.toml", key: "kind", "'<i>' is not a kind")],
            renderedAt: Date(timeIntervalSince1970: 1_795_000_002))
    }

    func build() throws -> [String: String] {
        try bytes().mapValues { String(decoding: $0, as: UTF8.self) }
    }

    /// The key to the marks sits under a table that shows a mark, and only there.
    @Test func theKeyToTheMarksIsUnderATableThatShowsOne() throws {
        let key = "<li>\(HTML.escape(Wording(.en).qualifierKey))</li>"
        #expect(try #require(try build()["index.html"]).contains(key))
        let exact = Snapshot(
            id: 8, startedAt: Date(timeIntervalSince1970: 1_795_000_000), finishedAt: Date(timeIntervalSince1970: 1_795_000_001),
            dataVersion: 4,
            tables: [
                AggregateTable(
                    name: "body_year", description: "", columns: ["body_name", "year", "participants", "participants_qualifier"],
                    rows: [[.text("Youth Council"), .integer(2024), .integer(31), .text("exact")]])
            ])
        let chart = try RenderedChart.render(HostileSnapshot.spec, snapshot: exact)
        let files = try Site.files(snapshot: exact, charts: [chart], errors: [], renderedAt: Date(timeIntervalSince1970: 1_795_000_002))
        let index = String(decoding: try #require(files["index.html"]), as: UTF8.self)
        #expect(index.contains("<td class=\"num\">31</td>"))
        #expect(!index.contains(key))
    }

    @Test func dataTextIsEscaped() throws {
        let index = try #require(try build()["index.html"])
        #expect(!index.contains("<script"))
        #expect(!index.contains("<b>") && !index.contains("<i>"))
        #expect(index.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // In the table, the heading and the alt text alike.
        #expect(index.contains("<th scope=\"row\">&lt;script&gt;alert(1)&lt;/script&gt;</th>"))
        #expect(index.contains("alt=\"Sessions of &lt;script&gt;"))
    }

    @Test func everyChartHasItsTableImagesAndDownloads() throws {
        let index = try #require(try build()["index.html"])
        #expect(index.contains("<caption>"))
        #expect(index.contains("<th scope=\"col\">Body name</th>"))
        #expect(index.contains("<td class=\"num\">140+</td>"))
        // Under the table, the key to the qualifiers.
        #expect(index.contains("<li>+ after a figure means at least; ≈ before it means about.</li>"))
        #expect(index.contains("width=\"800\" height=\"400\""))
        #expect(index.contains("srcset=\"charts/hostile.png 1x, charts/hostile@2x.png 2x\""))
        #expect(
            index.contains("<source media=\"(prefers-color-scheme: dark)\" srcset=\"charts/hostile.dark.png 1x, charts/hostile.dark@2x.png 2x\">"))
        // A phone gets the narrow layout, at its own size, in its appearance; first, so it wins there.
        let narrow = try #require(
            index.range(
                of:
                    "<source media=\"(max-width: 600px)\" srcset=\"charts/hostile.narrow@2x.png 2x, charts/hostile.narrow@3x.png 3x\" width=\"360\" height=\""
            ))
        let narrowDark = try #require(
            index.range(
                of:
                    "<source media=\"(max-width: 600px) and (prefers-color-scheme: dark)\" srcset=\"charts/hostile.narrow.dark@2x.png 2x, charts/hostile.narrow.dark@3x.png 3x\" width=\"360\""
            ))
        let wideDark = try #require(index.range(of: "<source media=\"(prefers-color-scheme: dark)\""))
        #expect(narrowDark.lowerBound < narrow.lowerBound && narrow.lowerBound < wideDark.lowerBound)
        #expect(index.contains("href=\"data/hostile.csv\"") && index.contains("href=\"data/hostile.json\""))
        #expect(index.contains("Figures from snapshot 7, computed <time datetime=\"2026-11-18T11:06:41Z\">18 November 2026, 11:06 UTC</time>"))
        #expect(!index.contains("<script"))
        // The alt text states the figures, the qualifier and the source's absence of doubt.
        #expect(index.contains("140+"))
        #expect(index.contains("A figure with + is a lower bound"))
    }

    @Test func csvDefusesFormulas() throws {
        let csv = try #require(try build()["data/hostile.csv"])
        // Headed in words; the figure as a reader reads it beside its value and qualifier.
        #expect(csv.hasPrefix("Body name,Series,Figure,Value,Qualifier,Counts,Derived by Quorum (how),Register\r\n"))
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",Participants,12,12,exact,,,\r\n"))
        #expect(csv.contains("<script>alert(1)</script>,Participants,140+,140,at_least,,,\r\n"))
    }

    @Test func manifestFollowsTheContract() throws {
        let files = try build()
        let manifest = try SiteManifest.decode(Data(try #require(files[SiteManifest.fileName]).utf8))
        #expect(manifest.snapshot.id == 7)
        #expect(manifest.snapshot.finishedAt.hasSuffix("Z"))
        #expect(manifest.renderedAt == "2026-11-18T11:06:42Z")
        let chart = try #require(manifest[chart: "hostile"])
        #expect(chart.page == "index.html")
        #expect(chart.files.dark2x == "charts/hostile.dark@2x.png")
        #expect(chart.files.narrowDark3x == "charts/hostile.narrow.dark@3x.png")
        // The narrow layout's size is the size its images are drawn at (PNG's IHDR: width, height).
        let narrow = try #require(chart.narrow)
        let narrowFile = try #require(chart.files.narrow2x)
        let narrow2x = try #require(try bytes()[narrowFile]).map { Int($0) }
        let pixels = { (offset: Int) in narrow2x[offset..<offset + 4].reduce(0) { $0 << 8 | $1 } }
        #expect(narrow.width == 360 && (pixels(16), pixels(20)) == (720, narrow.height * 2))
        #expect(chart.alt.contains("140+"))
        #expect(manifest.errors.first == SiteManifest.Problem(file: "Charts/<b>.toml", key: "kind", message: manifest.errors[0].message))
        #expect(manifest.pages.first?.path == "index.html")
        // Every file and page the manifest names is in the release.
        let images = [chart.files.png, chart.files.png2x, chart.files.dark, chart.files.dark2x]
        let narrowImages = [chart.files.narrow2x, chart.files.narrow3x, chart.files.narrowDark2x, chart.files.narrowDark3x].compactMap { $0 }
        #expect(narrowImages.count == 4)
        for named in images + narrowImages + [chart.files.csv, chart.files.json, chart.page] + manifest.pages.map(\.path) {
            #expect(files[named] != nil, "\(named) is named but not written")
        }
    }

    @Test func pagesFollowTheCharts() throws {
        let snapshot = HostileSnapshot.snapshot
        let specs = try ["a": "youth-council", "b": "index", "c": "youth-council"].sorted { $0.key < $1.key }.map { name, page in
            try ChartSpec.parse(
                """
                title = "Chart \(name)"
                kind = "bars"
                aggregate = "body_year"
                x = "year"
                value = "participants"
                page = "\(page)"
                \(name == "c" ? "page_title = \"Youth Council\"" : "")
                """, file: "Charts/\(name).toml")
        }
        let build = try SiteBuilder.build(snapshot: snapshot, charts: ChartSet(specs: specs, errors: []))
        #expect(build.errors.isEmpty)
        let youth = String(decoding: try #require(build.files["youth-council.html"]), as: UTF8.self)
        #expect(youth.contains("<h1>Youth Council</h1>"))
        #expect(youth.contains("Chart a") && youth.contains("Chart c") && !youth.contains("Chart b"))
        #expect(youth.contains("<a href=\"index.html\">"))
    }
}
