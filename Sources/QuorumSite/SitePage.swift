import Dispatch
import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumPrint
import Synchronization

/// One HTML page of the site and the charts on it.
public struct SitePage: Equatable, Sendable {
    /// The page's name without `.html`; "index" for the front page.
    public let name: String
    public let title: String
    public let chartNames: [String]

    public var path: String { name + ".html" }
    /// The page printed, beside it.
    public var pdfPath: String { name + ".pdf" }

    /// The pages the charts ask for: the index first, then the others by name.
    /// A page's title is the first `page_title` its charts give.
    static func pages(for charts: [RenderedChart]) -> [SitePage] {
        var order: [String] = ["index"]
        var titles: [String: String] = [:]
        var members: [String: [String]] = [:]
        for chart in charts {
            let page = chart.spec.page
            if !order.contains(page) { order.append(page) }
            if titles[page] == nil, let title = chart.spec.pageTitle { titles[page] = title }
            members[page, default: []].append(chart.spec.name)
        }
        let index = order.removeFirst()
        order.sort()
        return ([index] + order).map { name in
            SitePage(
                name: name, title: titles[name] ?? (name == "index" ? "Quorum" : name.replacingOccurrences(of: "-", with: " ").columnHeading),
                chartNames: members[name] ?? [])
        }
    }
}

/// The whole site as files, from a snapshot and its rendered charts: a pure function,
/// so the same input always gives the same tree.
public enum Site {
    /// Relative path (the names `SiteManifest` lists) → bytes.
    public static func files(
        snapshot: Snapshot, charts: [RenderedChart], errors: [ChartError],
        renderedAt: Date
    ) throws -> [String: [UInt8]] {
        let registerPages = [
            SitePage(name: RegisterAnchor.Page.events.rawValue, title: "Register of events", chartNames: []),
            SitePage(name: RegisterAnchor.Page.facts.rawValue, title: "Register of facts", chartNames: []),
        ]
        let pages = SitePage.pages(for: charts) + registerPages
        let register = Register(snapshot)
        let printed = PrintedCharts(register: register)
        var files: [String: [UInt8]] = ["style.css": Array(SiteStyle.css.utf8)]
        // The pages' PDFs are independent: made on every core.
        let documents = try pages.map { page in
            try printed.document(page, charts: charts.filter { page.chartNames.contains($0.spec.name) }, snapshot: snapshot)
        }
        let pdfs = Mutex([Result<[UInt8], PrintError>?](repeating: nil, count: pages.count))
        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            let result = Result { () throws(PrintError) in try PDF.render(documents[index]) }
            pdfs.withLock { $0[index] = result }
        }
        for (page, pdf) in zip(pages, pdfs.withLock { $0 }) { files[page.pdfPath] = try pdf!.get() }
        for page in pages {
            let onPage = charts.filter { page.chartNames.contains($0.spec.name) }
            let body: String? =
                switch page.name {
                case RegisterAnchor.Page.events.rawValue: register.eventsPage()
                case RegisterAnchor.Page.facts.rawValue: register.factsPage()
                default: nil
                }
            files[page.path] = Array(
                html(
                    page: page, pages: pages, charts: onPage, errors: page.name == "index" ? errors : [],
                    snapshot: snapshot, body: body
                ).utf8)
        }
        for chart in charts {
            let name = chart.spec.name
            files["charts/\(name).png"] = chart.light
            files["charts/\(name)@2x.png"] = chart.light2x
            files["charts/\(name).dark.png"] = chart.dark
            files["charts/\(name).dark@2x.png"] = chart.dark2x
            files["data/\(name).csv"] = Array(ChartTable.csv(chart).utf8)
            files["data/\(name).json"] = try ChartTable.json(chart, snapshot: snapshot)
            files["data/\(name).metadata.json"] = try ChartTable.metadata(chart, snapshot: snapshot, register: register)
        }
        files[SiteManifest.fileName] = try Manifest.json(snapshot: snapshot, charts: charts, pages: pages, errors: errors, renderedAt: renderedAt)
        return files
    }

    static func html(
        page: SitePage, pages: [SitePage], charts: [RenderedChart], errors: [ChartError], snapshot: Snapshot,
        body: String? = nil
    ) -> String {
        var out = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(HTML.escape(page.title)) · Quorum</title>
            <link rel="stylesheet" href="style.css">
            </head>
            <body>
            <header class="site">
            <p class="brand"><a href="index.html">Quorum</a></p>
            <nav aria-label="Pages"><ul>

            """
        for other in pages {
            let current = other.name == page.name ? " aria-current=\"page\"" : ""
            out += "<li><a href=\"\(HTML.escape(other.path))\"\(current)>\(HTML.escape(other.title))</a></li>\n"
        }
        out += """
            </ul></nav>
            </header>
            <main>
            <h1>\(HTML.escape(page.title))</h1>
            <p class="snapshot">Figures from snapshot \(snapshot.id), computed <time datetime="\(Manifest.iso(snapshot.finishedAt))">\(Manifest.readable(snapshot.finishedAt))</time> (data version \(snapshot.dataVersion)).
            A figure with + is a lower bound (“140+” means at least 140); ≈ marks an approximate figure; † a value Quorum derived
            rather than the document stated. Every figure in a table links to the register, which gives its document and words.</p>

            """
        out += "<p class=\"print\"><a href=\"\(HTML.escape(page.pdfPath))\" type=\"application/pdf\">This page as a PDF</a> "
        out += "(A4, for printing and forwarding, with every figure's sources).</p>\n"
        if !errors.isEmpty {
            out += "<section class=\"errors\" aria-labelledby=\"errors\">\n<h2 id=\"errors\">Charts that could not be drawn</h2>\n<ul>\n"
            for error in errors {
                let place = [error.file, error.key].compactMap { $0 }.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " ")
                out += "<li>\(place)\(place.isEmpty ? "" : ": ")\(HTML.escape(error.message))</li>\n"
            }
            out += "</ul>\n</section>\n"
        }
        if let body { out += body }
        if charts.isEmpty && page.name == "index" {
            out += "<p>No charts yet.</p>\n"
        }
        for chart in charts { out += section(chart) }
        out += """
            </main>
            <footer class="site"><p>Made by Quorum from snapshot \(snapshot.id). <a href="manifest.json">Manifest</a></p></footer>
            </body>
            </html>

            """
        return out
    }

    static func section(_ chart: RenderedChart) -> String {
        let spec = chart.spec
        let name = HTML.escape(spec.name)
        var out = "<section class=\"\(spec.kind == .sparkline ? "chart sparkline" : "chart")\" id=\"\(name)\" aria-labelledby=\"\(name)-title\">\n"
        out += "<h2 id=\"\(name)-title\">\(HTML.escape(spec.title))</h2>\n"
        if !spec.subtitle.isEmpty { out += "<p class=\"subtitle\">\(HTML.escape(spec.subtitle))</p>\n" }
        out += """
            <figure>
            <picture>
            <source media="(prefers-color-scheme: dark)" srcset="charts/\(name).dark.png 1x, charts/\(name).dark@2x.png 2x">
            <img src="charts/\(name).png" srcset="charts/\(name).png 1x, charts/\(name)@2x.png 2x" width="\(spec.width)" height="\(spec.height)" alt="\(HTML.escape(chart.alt))">
            </picture>

            """
        if !spec.source.isEmpty { out += "<figcaption>Source: \(HTML.escape(spec.source))</figcaption>\n" }
        out += "</figure>\n"
        out += ChartTable.html(chart)
        out +=
            "<p class=\"downloads\">Data: <a href=\"data/\(name).csv\">CSV</a> · <a href=\"data/\(name).json\">JSON</a>"
            + " · <a href=\"data/\(name).metadata.json\">metadata and citation</a></p>\n"
        out += "</section>\n"
        return out
    }
}
