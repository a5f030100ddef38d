import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel

/// A chart's figures as a table: in the page (for screen readers and for labels
/// too long for the image), as CSV and as JSON.
enum ChartTable {
    static func categoryHeading(_ spec: ChartSpec) -> String {
        spec.x.map { spec.displayName($0).columnHeading } ?? "Measure"
    }

    static func columns(_ chart: RenderedChart) -> [ChartSeries] {
        chart.data.series + (chart.data.reference.map { [$0] } ?? [])
    }

    static func html(_ chart: RenderedChart) -> String {
        let spec = chart.spec
        guard !chart.data.isEmpty else { return "<p class=\"empty\">No data.</p>\n" }
        var out = "<div class=\"table\"><table>\n<caption>\(HTML.escape(spec.title)): the figures</caption>\n<thead><tr>"
        out += "<th scope=\"col\">\(HTML.escape(categoryHeading(spec)))</th>"
        for series in columns(chart) { out += "<th scope=\"col\">\(HTML.escape(series.name))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for (index, category) in chart.data.categories.enumerated() {
            out += "<tr><th scope=\"row\">\(HTML.escape(category))</th>"
            for series in columns(chart) {
                let point = series.points.indices.contains(index) ? series.points[index] : nil
                out += "<td>\(HTML.escape(point?.label ?? "–"))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table></div>\n"
        return out
    }

    /// One line per figure: category, series, value, qualifier — through CSVWriter,
    /// so a label that starts like a formula cannot run in a spreadsheet.
    static func csv(_ chart: RenderedChart) -> String {
        var out = CSVWriter.line([categoryHeading(chart.spec), "series", "value", "qualifier"])
        for series in columns(chart) {
            for (index, category) in chart.data.categories.enumerated() {
                guard series.points.indices.contains(index), let point = series.points[index] else { continue }
                out += CSVWriter.line([category, series.name, NumberFormat.plain(point.value), point.qualifier.rawValue])
            }
        }
        return out
    }

    struct Document: Encodable {
        struct Point: Encodable {
            let value: Double
            let qualifier: String
            let label: String
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
    }

    static func json(_ chart: RenderedChart, snapshot: Snapshot) throws -> [UInt8] {
        func series(_ series: ChartSeries) -> Document.Series {
            Document.Series(name: series.name, points: series.points.map { point in
                point.map { Document.Point(value: $0.value, qualifier: $0.qualifier.rawValue, label: $0.label) }
            })
        }
        let document = Document(name: chart.spec.name, title: chart.spec.title, subtitle: chart.spec.subtitle,
                                source: chart.spec.source, snapshot: snapshot.id, categories: chart.data.categories,
                                series: chart.data.series.map(series), reference: chart.data.reference.map(series))
        return Array(try Manifest.encoder.encode(document))
    }
}

extension NumberFormat {
    /// A number for machines: no separators, no needless ".0".
    static func plain(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
