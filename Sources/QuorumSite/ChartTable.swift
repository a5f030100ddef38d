import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel

/// A chart's figures as a table: in the page (for screen readers, for labels
/// too long for the image, and as the way to the register), as CSV and as JSON,
/// and the chart's metadata.
enum ChartTable {
    static func categoryHeading(_ spec: ChartSpec) -> String {
        let wording = Wording(spec.language)
        guard let x = spec.x else { return wording.measure }
        if spec.names[x] == nil, spec.language != .en, let heading = wording.columnHeading(x) { return heading }
        return spec.displayName(x).columnHeading
    }

    static func columns(_ chart: RenderedChart) -> [ChartSeries] {
        chart.data.series + (chart.data.reference.map { [$0] } ?? [])
    }

    /// The register anchor a cell links to: the rows it was computed from, or,
    /// for a sum over the bodies of one organisation and year, that year.
    static func anchor(_ point: ChartPoint) -> String? {
        let anchors = Array(Set(point.register)).sorted()
        guard let first = anchors.first else { return nil }
        if anchors.count == 1 { return first }
        // g-ORG-BODY-YEAR: the same organisation and year for all → y-ORG-YEAR.
        let parts = anchors.map { $0.split(separator: "-").map(String.init) }
        if parts.allSatisfy({ $0.count == 4 && $0[0] == "g" && $0[1] == parts[0][1] && $0[3] == parts[0][3] }) {
            return "y-\(parts[0][1])-\(parts[0][3])"
        }
        return first
    }

    /// The table on a page at `place`, in its language, its cells linking to the (English) register.
    static func html(_ chart: RenderedChart, place: PagePlace = .root) -> String {
        let spec = chart.spec
        let wording = Wording(spec.language)
        guard !chart.data.isEmpty else { return "<p class=\"empty\">\(HTML.escape(wording.noDataTable))</p>\n" }
        var out =
            "<div class=\"table\"><table>\n<caption>\(HTML.escape(wording.tableCaption(spec.title)))</caption>\n<thead><tr>"
        out += "<th scope=\"col\">\(HTML.escape(categoryHeading(spec)))</th>"
        for series in columns(chart) { out += "<th scope=\"col\" class=\"num\">\(HTML.escape(series.name))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for (index, category) in chart.data.categories.enumerated() {
            out += "<tr><th scope=\"row\">\(HTML.escape(category))</th>"
            for series in columns(chart) {
                guard let point = series.points.indices.contains(index) ? series.points[index] : nil else {
                    out += "<td class=\"num\">–</td>"
                    continue
                }
                var cell = HTML.escape(point.label(in: spec.language))
                if let anchor = anchor(point) { cell = "<a href=\"\(place.up)\(RegisterAnchor.href(anchor))\">\(cell)</a>" }
                var title: [String] = []
                if let derivation = point.derivation { title.append(wording.derivedTitle + derivation) }
                if let scope = point.otherScope { title.append(wording.countsTitle + scope) }
                let attribute = title.isEmpty ? "" : " title=\"\(HTML.escape(title.joined(separator: " ")))\""
                out += "<td class=\"num\"\(attribute)>\(cell)</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table></div>\n"
        out += notes(chart)
        return out
    }

    /// The key and notes under a table: the qualifiers, the marks, how each derived value was derived, the coverage.
    static func notes(_ chart: RenderedChart) -> String {
        let lines = noteLines(chart.data)
        return lines.isEmpty ? "" : "<ul class=\"notes\">" + lines.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>\n"
    }

    /// The same notes as lines of text, for the page and the PDFs. The key to the
    /// marks only where the table shows one.
    static func noteLines(_ data: ChartData) -> [String] {
        var derivations: [String] = []
        for point in data.shownPoints {
            if let derivation = point.derivation, !derivations.contains(derivation) { derivations.append(derivation) }
        }
        let marked = data.shownPoints.contains { $0.qualifier != .exact }
        return (marked ? [Wording(data.language).qualifierKey] : []) + data.notes + derivations.map { "\(ChartMark.derived) \($0)" }
    }

    /// One line per figure, headed in words: category, series, the figure as shown
    /// and its parts, and where it comes from — through CSVWriter, so a label that
    /// starts like a formula cannot run in a spreadsheet.
    static func csv(_ chart: RenderedChart) -> String {
        var out = CSVWriter.line([
            categoryHeading(chart.spec), "Series", "Figure", "Value", "Qualifier", "Counts",
            "Derived by Quorum (how)", "Register",
        ])
        for series in columns(chart) {
            for (index, category) in chart.data.categories.enumerated() {
                guard series.points.indices.contains(index), let point = series.points[index] else { continue }
                out += CSVWriter.line([
                    category, series.name, point.label, NumberFormat.plain(point.value), point.qualifier.rawValue,
                    point.otherScope ?? "", point.derivation ?? "", anchor(point).map(RegisterAnchor.href) ?? "",
                ])
            }
        }
        return out
    }

    struct Document: Encodable {
        struct Point: Encodable {
            let value: Double
            let qualifier: String
            let label: String
            let derivation: String?
            let counts: String?
            let register: [String]
        }
        struct Series: Encodable {
            let name: String
            let points: [Point?]
        }
        let name: String
        let title: String
        let subtitle: String
        let source: String
        let snapshot: Int64
        let categories: [String]
        let series: [Series]
        let reference: Series?
        let notes: [String]
    }

    static func json(_ chart: RenderedChart, snapshot: Snapshot) throws -> [UInt8] {
        func series(_ series: ChartSeries) -> Document.Series {
            Document.Series(
                name: series.name,
                points: series.points.map { point in
                    point.map {
                        Document.Point(
                            value: $0.value, qualifier: $0.qualifier.rawValue, label: $0.label, derivation: $0.derivation,
                            counts: $0.otherScope, register: Array(Set($0.register)).sorted().map(RegisterAnchor.href))
                    }
                })
        }
        let document = Document(
            name: chart.spec.name, title: chart.spec.title, subtitle: chart.spec.subtitle,
            source: chart.spec.source, snapshot: snapshot.id, categories: chart.data.categories,
            series: chart.data.series.map(series), reference: chart.data.reference.map(series),
            notes: [Qualifier.key] + chart.data.notes)
        return Array(try JSONEncoder.stable.encode(document))
    }

    // MARK: Metadata

    /// What Our World in Data's grapher gives beside a chart's data: what it shows,
    /// what it covers, where every figure comes from, and how to cite it.
    struct Metadata: Encodable {
        struct Source: Encodable {
            let key: String
            let title: String
            let locators: [String]
        }
        let name, title, subtitle, description: String
        let coverage: String?
        let units: String
        let notes: [String]
        let sources: [Source]
        let snapshot: Int64
        let snapshotTime: String
        let dataVersion: Int64
        let files: [String: String]
        let citation: String
    }

    static func metadata(_ chart: RenderedChart, snapshot: Snapshot, register: Register) throws -> [UInt8] {
        let spec = chart.spec
        let description: String =
            switch spec.origin {
            case .aggregate(let name): snapshot[name]?.description ?? ""
            case .sql(let sql): "The result of this query, run on the snapshot's data: " + sql
            }
        var sources: [Metadata.Source] = []
        for citation in register.citations(Set(chart.data.points.flatMap(\.register))) {
            if let index = sources.firstIndex(where: { $0.key == citation.source }) {
                sources[index] = Metadata.Source(
                    key: citation.source, title: sources[index].title,
                    locators: sources[index].locators + [citation.locator])
            } else {
                sources.append(
                    Metadata.Source(
                        key: citation.source, title: register.sources[citation.source] ?? citation.source,
                        locators: [citation.locator]))
            }
        }
        let units = spec.values.map { spec.names[$0] ?? Measure(rawValue: $0)?.words ?? $0.replacingOccurrences(of: "_", with: " ") }
            .joined(separator: ", ")
        let day = String(Manifest.iso(snapshot.finishedAt).prefix(10))
        let document = Metadata(
            name: spec.name, title: spec.title, subtitle: spec.subtitle, description: description,
            coverage: chart.data.coverage, units: units, notes: [Qualifier.key] + chart.data.notes, sources: sources,
            snapshot: snapshot.id, snapshotTime: Manifest.iso(snapshot.finishedAt), dataVersion: snapshot.dataVersion,
            files: ["png": "charts/\(spec.name).png", "csv": "data/\(spec.name).csv", "json": "data/\(spec.name).json"],
            citation: "Quorum, “\(spec.title)”, snapshot \(snapshot.id) of \(day); from "
                + (sources.isEmpty ? spec.source : sources.map(\.title).joined(separator: "; ")) + ".")
        return Array(try JSONEncoder.stable.encode(document))
    }
}

extension NumberFormat {
    /// A number for machines: no separators, no needless ".0".
    static func plain(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
