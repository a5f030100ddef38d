import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumPrint
import QuorumSite

// MARK: PDF

/// The whole report as a document to print or forward: a first page with its title,
/// period, snapshot and contents; then each chart drawn as vectors with its figures
/// as text and the documents behind them in their own words; the report's tables.
/// Made from the same snapshot as the e-mail, and the same for the same snapshot
/// and period.
extension ReportComposer {
    public func pdf(_ report: Report, period: Date, snapshot: Snapshot) throws(MailError) -> [UInt8] {
        let subject = report.subject(period: period, snapshotID: snapshot.id)
        let cover: [PrintBlock] = [
            .title(subject),
            .paragraph(
                "Report \(report.name) for the period of " + report.localDate(period, format: "d MMMM yyyy, HH:mm") + " "
                    + report.schedule.timeZone.identifier
                    + " (\(Self.utc(period))). Figures from snapshot \(snapshot.id) (data version \(snapshot.dataVersion)), "
                    + "computed \(Self.utc(snapshot.finishedAt))."),
            .note(PrintedCharts.marks),
        ]
        var blocks: [PrintBlock] = []
        let printed = PrintedCharts(snapshot: snapshot)
        for name in report.charts {
            guard let spec = charts.specs.first(where: { $0.name == name }) else {
                throw .report("report \(report.name): no chart \(name) among the chart files")
            }
            do {
                blocks += try printed.blocks(spec, data: try spec.data(from: snapshot))
            } catch {
                throw .report("report \(report.name): chart \(name): \(error)")
            }
        }
        let names = ReadableTable.Names(snapshot: snapshot, sourceTitles: sourceTitles)
        for name in report.tables {
            guard let table = snapshot[name] else { throw .report("report \(report.name): snapshot \(snapshot.id) has no aggregate \(name)") }
            blocks += Self.blocks(ReadableTable(table, names: names))
        }
        let document = PrintDocument(
            paper: report.paper,
            metadata: .init(
                title: subject, subject: "Quorum report \(report.name), period \(Self.utc(period)), snapshot \(snapshot.id)",
                keywords: ["Quorum", report.name] + report.charts + report.tables, created: snapshot.finishedAt),
            runningHeader: "\(subject) · snapshot \(snapshot.id)", cover: cover, blocks: blocks)
        do {
            return try PDF.render(document)
        } catch {
            throw .report("report \(report.name): the PDF cannot be made: \(error)")
        }
    }

    /// The PDF's file name: `weekly-20261122T0900Z.pdf`.
    public static func pdfFileName(_ report: Report, period: Date) -> String {
        "\(report.name)-\(Report.periodKey(period)).pdf"
    }

    static func blocks(_ table: ReadableTable) -> [PrintBlock] {
        var blocks: [PrintBlock] = [.heading(table.title)]
        if let summary = table.summary { blocks.append(.paragraph(summary)) }
        if let problem = table.problem {
            blocks.append(.paragraph("Not available: " + problem))
        } else if table.sections.isEmpty {
            blocks.append(.paragraph("No figures yet."))
        }
        for section in table.sections {
            for (index, grid) in section.grids.enumerated() {
                let caption = [index == 0 ? section.heading : nil, grid.caption].compactMap { $0 }.filter { !$0.isEmpty }
                blocks.append(
                    .table(
                        PrintTable(
                            caption: caption.isEmpty ? nil : caption.joined(separator: ": "),
                            columns: grid.columns.map { PrintTable.Column($0.heading, numeric: $0.numeric, weight: $0.weight) },
                            rows: grid.rows)))
            }
            blocks += section.notes.map(PrintBlock.note)
        }
        return blocks
    }
}
