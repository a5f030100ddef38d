import Foundation
import QuorumAggregates
import QuorumBlocking
import QuorumCharts
import QuorumModel
import QuorumPrint

/// Where a page sits in the tree, in which language, and how it reaches what the
/// languages share. The English pages are at the root (where `/` and the
/// charts' URLs have always been) and again under `en/`; the others under their
/// code (`ru/`, `zh/`), each with its own chart images. The data files, the
/// registers and the PDFs are English and at the root.
struct PagePlace: Sendable {
    let language: Language
    /// The page's directory: "" at the root, "ru/" under a language.
    let directory: String

    static let root = PagePlace(language: .en, directory: "")
    static func under(_ language: Language) -> PagePlace { PagePlace(language: language, directory: language.rawValue + "/") }

    /// From the page to the root of the tree.
    var up: String { directory.isEmpty ? "" : "../" }
    /// From the page to its language's chart images.
    var charts: String { language == .en ? up + "charts/" : "charts/" }
    var wording: Wording { Wording(language) }

    /// From the page to `file` (a page's path) in `language`, under the language's directory.
    func link(to file: String, in other: Language) -> String {
        directory.isEmpty && other == .en ? file : up + other.rawValue + "/" + file
    }
}

/// The whole site as files, from a snapshot and its rendered charts: a pure function,
/// so the same input always gives the same tree.
public enum Site {
    /// Relative path (the names `SiteManifest` lists) → bytes. `charts` holds
    /// every chart in each of `languages`.
    public static func files(
        snapshot: Snapshot, charts all: [RenderedChart], languages: [Language] = [.en], errors: [ChartError],
        renderedAt: Date
    ) throws -> [String: [UInt8]] {
        let parts = parts(snapshot: snapshot, charts: all, languages: languages, errors: errors, renderedAt: renderedAt)
        return try merged(Parallel.map(parts.count) { index in Result { try parts[index].make() } })
    }

    /// The files of parts made, or the first error of one that failed.
    static func merged(_ made: some Sequence<Result<[String: [UInt8]], Error>>) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for part in made { files.merge(try part.get()) { _, new in new } }
        return files
    }

    /// A part of the site's files, made independently of the others, and its name
    /// (`render --benchmark` times each).
    public struct Part: Sendable {
        public typealias Make = @Sendable () throws -> [String: [UInt8]]
        public let name: String
        public let make: Make
    }

    /// The site's files in parts that can be made side by side, the longest
    /// first: the page PDFs (one after another: cairo makes one PDF at a time in
    /// the process, `PDF.render`), the English pages at the root, the data files,
    /// each language's pages, the manifest. `charts` holds every chart in each of
    /// `languages`; its images go in as they are.
    public static func parts(
        snapshot: Snapshot, charts all: [RenderedChart], languages: [Language] = [.en], errors: [ChartError],
        renderedAt: Date
    ) -> [Part] {
        let charts = all.filter { $0.spec.language == .en }
        let registerPages = [
            SitePage(name: RegisterAnchor.Page.events.rawValue, title: Wording(.en).registerOfEvents, chartNames: []),
            SitePage(name: RegisterAnchor.Page.facts.rawValue, title: Wording(.en).registerOfFacts, chartNames: []),
        ]
        let pages = SitePage.pages(for: charts) + registerPages
        let register = Register(snapshot)
        let pdfs: Part.Make = {
            let printed = PrintedCharts(register: register)
            var files: [String: [UInt8]] = [:]
            for page in pages {
                let document = try printed.document(
                    page, charts: charts.filter { page.chartNames.contains($0.spec.name) }, snapshot: snapshot)
                files[page.pdfPath] = try PDF.render(document)
            }
            return files
        }
        let rootPages: Part.Make = {
            var files: [String: [UInt8]] = ["style.css": Array(SiteStyle.css.utf8)]
            for page in pages {
                let body: String? =
                    switch page.name {
                    case RegisterAnchor.Page.events.rawValue: register.eventsPage()
                    case RegisterAnchor.Page.facts.rawValue: register.factsPage()
                    default: nil
                    }
                files[page.path] = Array(
                    html(
                        page: page, pages: pages, charts: all, languages: languages, errors: errors, snapshot: snapshot,
                        body: body, place: .root
                    ).utf8)
            }
            return files
        }
        let data: Part.Make = {
            var files: [String: [UInt8]] = [:]
            for chart in charts {
                let name = chart.spec.name
                files["data/\(name).csv"] = Array(ChartTable.csv(chart).utf8)
                files["data/\(name).json"] = try ChartTable.json(chart, snapshot: snapshot)
                files["data/\(name).metadata.json"] = try ChartTable.metadata(chart, snapshot: snapshot, register: register)
            }
            for chart in all { files.merge(images(of: chart)) { _, drawn in drawn } }
            return files
        }
        // Each language's pages; the registers stay English, at the root.
        let languagePages: [Part.Make] = languages.map { language in
            {
                let place = PagePlace.under(language)
                let localized = all.filter { $0.spec.language == language }
                var own = SitePage.pages(for: localized)
                if language != .en { own.append(SitePage(name: "translations", title: place.wording.aboutTranslations, chartNames: [])) }
                let wording = place.wording
                let nav =
                    own
                    + [
                        SitePage(name: registerPages[0].name, title: wording.registerOfEvents + wording.inEnglish, chartNames: []),
                        SitePage(name: registerPages[1].name, title: wording.registerOfFacts + wording.inEnglish, chartNames: []),
                    ]
                var files: [String: [UInt8]] = [:]
                for page in own {
                    let body = page.name == "translations" ? translationsPage(localized, wording: wording) : nil
                    files[place.directory + page.path] = Array(
                        html(
                            page: page, pages: nav, charts: all, languages: languages, errors: errors, snapshot: snapshot,
                            body: body, place: place
                        ).utf8)
                }
                return files
            }
        }
        let manifest: Part.Make = {
            [SiteManifest.fileName: try Manifest.json(snapshot: snapshot, charts: all, pages: pages, errors: errors, renderedAt: renderedAt)]
        }
        return [Part(name: "pdfs", make: pdfs), Part(name: "root-pages", make: rootPages), Part(name: "data", make: data)]
            + zip(languages, languagePages).map { Part(name: "\($0.rawValue)-pages", make: $1) } + [Part(name: "manifest", make: manifest)]
    }

    /// One page at `place`; `charts` holds every language's, of which the page shows its own.
    static func html(
        page: SitePage, pages: [SitePage], charts all: [RenderedChart], languages: [Language] = [.en], errors: [ChartError],
        snapshot: Snapshot, body: String? = nil, place: PagePlace = .root
    ) -> String {
        let wording = place.wording
        let up = place.up
        let charts = all.filter { $0.spec.language == place.language && page.chartNames.contains($0.spec.name) }
        // The same page in each language (the registers and the translations page have one).
        let others = page.isRegister ? [] : languages.filter { page.name != "translations" || $0 != .en }
        let alternates = others.count < 2 ? [] : others
        var out = """
            <!doctype html>
            <html lang="\(place.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(HTML.escape(page.title)) · Quorum</title>
            <link rel="stylesheet" href="\(up)style.css">

            """
        for language in alternates {
            out += "<link rel=\"alternate\" hreflang=\"\(language.rawValue)\" href=\"\(HTML.escape(place.link(to: page.path, in: language)))\">\n"
        }
        if !alternates.isEmpty, page.name != "translations" {
            out += "<link rel=\"alternate\" hreflang=\"x-default\" href=\"\(HTML.escape(up + page.path))\">\n"
        }
        out += """
            </head>
            <body>
            <header class="site">
            <p class="brand"><a href="index.html">Quorum</a></p>
            <nav aria-label="\(wording.pagesLabel)"><ul>

            """
        for other in pages {
            let current = other.name == page.name ? " aria-current=\"page\"" : ""
            let href = other.isRegister ? up + other.path : other.path
            let lang = other.titleIsEnglish ? " lang=\"en\"" : ""
            out += "<li><a href=\"\(HTML.escape(href))\"\(current)\(lang)>\(HTML.escape(other.title))</a></li>\n"
        }
        out += "</ul></nav>\n"
        if !alternates.isEmpty {
            out += "<nav class=\"languages\" aria-label=\"\(wording.languageLabel)\"><ul>\n"
            for language in alternates {
                let current = language == place.language ? " aria-current=\"true\"" : ""
                out +=
                    "<li><a href=\"\(HTML.escape(place.link(to: page.path, in: language)))\" hreflang=\"\(language.rawValue)\" "
                    + "lang=\"\(language.rawValue)\"\(current)>\(language.nativeName)</a></li>\n"
            }
            out += "</ul></nav>\n"
        }
        // The time goes into the phrase as an element: the phrase is escaped around a stand-in for it.
        let time =
            "<time datetime=\"\(Manifest.iso(snapshot.finishedAt))\">\(HTML.escape(Manifest.readable(snapshot.finishedAt, in: place.language)))</time>"
        let snapshotLine = HTML.escape(wording.snapshotLine(id: snapshot.id, computed: "\u{1}", dataVersion: snapshot.dataVersion))
            .replacingOccurrences(of: "\u{1}", with: time)
        out += """
            </header>
            <main>
            <h1>\(marked(page.title, english: page.titleIsEnglish, wording))</h1>
            <p class="snapshot">\(snapshotLine)
            \(HTML.escape(wording.marksExplained))</p>

            """
        if page.name != "translations" {
            out += "<p class=\"print\"><a href=\"\(HTML.escape(up + page.pdfPath))\" type=\"application/pdf\">\(wording.pdfLink)</a> "
            out += "\(HTML.escape(wording.pdfNote))</p>\n"
        }
        if !errors.isEmpty && page.name == "index" {
            out += "<section class=\"errors\" aria-labelledby=\"errors\">\n<h2 id=\"errors\">\(wording.chartsNotDrawn)</h2>\n<ul>\n"
            for error in errors {
                let place = [error.file, error.key].compactMap { $0 }.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " ")
                out += "<li>\(place)\(place.isEmpty ? "" : ": ")\(HTML.escape(error.message))</li>\n"
            }
            out += "</ul>\n</section>\n"
        }
        if let body { out += body }
        if charts.isEmpty && page.name == "index" {
            out += "<p>\(HTML.escape(wording.noChartsYet))</p>\n"
        }
        for chart in charts { out += section(chart, place: place) }
        out += """
            </main>
            <footer class="site"><p>\(HTML.escape(wording.madeBy(snapshot: snapshot.id))) <a href="\(up)manifest.json">\(wording.manifest)</a></p></footer>
            </body>
            </html>

            """
        return out
    }

    /// A chart's images, where its language keeps them: `charts/NAME.png`, `ru/charts/NAME.png`.
    static func images(of chart: RenderedChart) -> [String: [UInt8]] {
        let directory = chart.spec.language == .en ? "charts/" : "\(chart.spec.language.rawValue)/charts/"
        return Dictionary(uniqueKeysWithValues: chart.images.map { (directory + $0.key.file(chart.spec.name), $0.value) })
    }

    /// The screens that get a chart's narrow layout: where the wide one would be
    /// shown at under three quarters of its size.
    static let phone = "(max-width: 600px)"

    static func section(_ chart: RenderedChart, place: PagePlace = .root) -> String {
        let spec = chart.spec
        let wording = place.wording
        let name = HTML.escape(spec.name)
        let folder = place.charts
        var out = "<section class=\"\(spec.kind == .sparkline ? "chart sparkline" : "chart")\" id=\"\(name)\" aria-labelledby=\"\(name)-title\">\n"
        out += "<h2 id=\"\(name)-title\">\(marked(spec.title, english: spec.untranslated.contains("title"), wording))</h2>\n"
        if !spec.subtitle.isEmpty {
            out += "<p class=\"subtitle\">\(marked(spec.subtitle, english: spec.untranslated.contains("subtitle"), wording))</p>\n"
        }
        // A phone gets the narrow layout, drawn for its width; anything wider the
        // chart file's own size, scaled down no further than a reader can still read.
        func sources(_ images: [ChartImage]) -> String {
            images.map { "\(folder)\(HTML.escape($0.file(spec.name))) \($0.scale)x" }.joined(separator: ", ")
        }
        out += "<figure>\n<picture>\n"
        if let narrow = chart.narrowSize {
            let size = "width=\"\(narrow.width)\" height=\"\(narrow.height)\""
            out +=
                "<source media=\"\(Self.phone) and (prefers-color-scheme: dark)\" srcset=\"\(sources(ChartImage.narrow.filter(\.dark)))\" \(size)>\n"
            out += "<source media=\"\(Self.phone)\" srcset=\"\(sources(ChartImage.narrow.filter { !$0.dark }))\" \(size)>\n"
        }
        let light = ChartImage.wide.filter { !$0.dark }
        out += "<source media=\"(prefers-color-scheme: dark)\" srcset=\"\(sources(ChartImage.wide.filter(\.dark)))\">\n"
        out +=
            "<img src=\"\(folder)\(HTML.escape(light[0].file(spec.name)))\" srcset=\"\(sources(light))\" width=\"\(spec.width)\" height=\"\(spec.height)\" alt=\"\(HTML.escape(chart.alt))\">\n"
        out += "</picture>\n"
        if !spec.source.isEmpty {
            out += "<figcaption>\(HTML.escape(wording.sourcePrefix))<span lang=\"en\">\(HTML.escape(spec.source))</span></figcaption>\n"
        }
        out += "</figure>\n"
        out += ChartTable.html(chart, place: place)
        out +=
            "<p class=\"downloads\">\(wording.dataLinks) <a href=\"\(place.up)data/\(name).csv\">CSV</a> · <a href=\"\(place.up)data/\(name).json\">JSON</a>"
            + " · <a href=\"\(place.up)data/\(name).metadata.json\">\(wording.metadataAndCitation)</a></p>\n"
        out += "</section>\n"
        return out
    }

    /// `text`, escaped; when it is English standing in for a translation, marked as such.
    static func marked(_ text: String, english: Bool, _ wording: Wording) -> String {
        guard english else { return HTML.escape(text) }
        return "<span lang=\"en\">\(HTML.escape(text))</span> <abbr class=\"fallback\" title=\"\(HTML.escape(wording.shownInEnglish))\">EN</abbr>"
    }

    /// What on a language's pages is English for want of a translation, chart by chart.
    static func translationsPage(_ charts: [RenderedChart], wording: Wording) -> String {
        var out = "<p>\(HTML.escape(wording.translationsIntro))</p>\n"
        out += "<h2>\(HTML.escape(wording.shownInEnglishHeading))</h2>\n"
        let untranslated = charts.filter { !$0.spec.untranslated.isEmpty }
        guard !untranslated.isEmpty else { return out + "<p>\(HTML.escape(wording.nothingInEnglish))</p>\n" }
        out += "<ul class=\"untranslated\">\n"
        for chart in untranslated {
            let keys = chart.spec.untranslated.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")
            out +=
                "<li><a href=\"\(HTML.escape(chart.spec.page)).html#\(HTML.escape(chart.spec.name))\">\(HTML.escape(chart.spec.title))</a>: \(keys)</li>\n"
        }
        return out + "</ul>\n"
    }
}
