import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumPrint

/// Charts as they are printed, in the site's page PDFs and the reports' PDFs: the
/// chart as vectors, its figures as a table of text with their qualifiers, the key
/// to the marks, and every document the figures come from with the words that
/// state them.
public struct PrintedCharts: Sendable {
    private let register: Register

    /// Reads the register of `snapshot` once, for every chart printed from it.
    public init(snapshot: Snapshot) {
        register = Register(snapshot)
    }

    init(register: Register) {
        self.register = register
    }

    /// A site page as a document: its title, the snapshot it shows, then its charts
    /// or its register.
    func document(_ page: SitePage, charts: [RenderedChart], snapshot: Snapshot) throws(ChartError) -> PrintDocument {
        let provenance =
            "Figures from snapshot \(snapshot.id), computed \(Manifest.readable(snapshot.finishedAt)) "
            + "(data version \(snapshot.dataVersion))."
        var blocks: [PrintBlock] = [.title(page.title), .note(provenance), .paragraph(Self.marks)]
        switch page.name {
        case RegisterAnchor.Page.events.rawValue: blocks += register.eventsBlocks()
        case RegisterAnchor.Page.facts.rawValue: blocks += register.factsBlocks()
        default:
            if charts.isEmpty { blocks.append(.paragraph("No charts yet.")) }
            for chart in charts { blocks += try self.blocks(chart.spec, data: chart.data) }
        }
        return PrintDocument(
            metadata: .init(
                title: page.title + " · Quorum", subject: provenance,
                keywords: charts.map(\.spec.name), created: snapshot.finishedAt),
            runningHeader: "\(page.title) · Quorum, snapshot \(snapshot.id) of \(Manifest.readable(snapshot.finishedAt))",
            blocks: blocks)
    }

    /// What the marks in every printed table mean.
    public static let marks = Wording(.en).sentences(
        Wording(.en).qualifierKey, Wording(.en).derivedMark, "Every figure is given with the document it comes from and the words that state it.")

    public func blocks(_ spec: ChartSpec, data: ChartData) throws(ChartError) -> [PrintBlock] {
        var blocks: [PrintBlock] = [.heading(spec.title)]
        if !spec.subtitle.isEmpty { blocks.append(.paragraph(spec.subtitle)) }
        // The drawing carries no title of its own: the heading above is the text's.
        var style = spec.style(theme: .light, scale: 1)
        style.title = ""
        style.subtitle = ""
        blocks.append(.chart(try ChartRenderer.drawing(data, style: style)))
        guard !data.isEmpty else { return blocks + [.paragraph("No data.")] }
        blocks.append(.table(table(spec, data: data)))
        blocks += ChartTable.noteLines(data).map(PrintBlock.note)
        let citations = register.citations(Set(data.points.flatMap(\.register)))
        if citations.isEmpty {
            if !spec.source.isEmpty { blocks.append(.note("Source: " + spec.source)) }
        } else {
            // Grouped by document, its title written once.
            var rows: [[String]] = []
            for source in citations.map(\.source).uniqued() {
                for (index, citation) in citations.filter({ $0.source == source }).enumerated() {
                    rows.append([index == 0 ? register.sources[source] ?? source : "", citation.locator])
                }
            }
            blocks.append(
                .table(
                    PrintTable(
                        caption: "Sources: where each figure is stated",
                        columns: [.init("Document", weight: 2), .init("Where, in the document's words", weight: 3)], rows: rows)))
        }
        return blocks
    }

    /// The figures, a row per category and a column per series: the labels the chart
    /// writes ("140+", "≈150", "–" where there is none).
    func table(_ spec: ChartSpec, data: ChartData) -> PrintTable {
        let series = data.series + (data.reference.map { [$0] } ?? [])
        let rows = data.categories.enumerated().map { index, category in
            [category]
                + series.map { item in
                    (item.points.indices.contains(index) ? item.points[index] : nil)?.label ?? "–"
                }
        }
        return PrintTable(
            caption: "The figures",
            columns: [.init(ChartTable.categoryHeading(spec), weight: 2)] + series.map { .init($0.name, numeric: true) },
            rows: rows)
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
