import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumPrint

/// The registers printed: the same rows, words and sources as their pages.
extension Register {
    func eventsBlocks() -> [PrintBlock] {
        var blocks: [PrintBlock] = [
            .paragraph(
                "Every event the dataset holds\(truncated ? " (the first \(AggregateDefinition.registerLimit); the API lists all)" : ""), "
                    + "with the document that reports it and its words. Only held events count in the charts; announced ones are "
                    + "listed for reference.")
        ]
        let columns: [PrintTable.Column] = [
            .init("Date", weight: 1.1), .init("Body and event", weight: 1.6),
            .init("Place and format", weight: 1.1), .init("Figures and their words", weight: 2.4),
            .init("Reported by", weight: 2),
        ]
        var organisation = ""
        var table: PrintTable?
        func flush() {
            if let table { blocks.append(.table(table)) }
            table = nil
        }
        for event in events {
            if event.organisation != organisation {
                flush()
                organisation = event.organisation
                blocks.append(.heading(organisation))
            }
            if table?.caption != String(event.year) {
                flush()
                table = PrintTable(caption: String(event.year), columns: columns, rows: [])
            }
            var date = Register.date(event.date)
            if let end = event.endDate { date += " – " + Register.date(end) }
            var title = event.bodyName + "\n" + event.title
            if event.status != "held" { title += " (\(event.status))" }
            if let dimension = event.dimension { title += "\n" + dimension }
            let place = [event.city, event.country].compactMap { $0 }.joined(separator: ", ")
            let format = event.format.map { Register.formats[$0] ?? $0 } ?? "format not reported"
            table?.rows.append([
                date, title, (place.isEmpty ? "place not reported" : place) + "\n" + format, figures(event),
                (sources[event.source] ?? event.source) + "\n" + event.locator,
            ])
        }
        flush()
        if events.isEmpty { blocks.append(.paragraph("No events.")) }
        return blocks
    }

    private func figures(_ event: Event) -> String {
        guard !event.figures.isEmpty else { return "none reported" }
        return event.figures.map { figure in
            let measure = Measure(rawValue: figure.measure)?.words ?? figure.measure
            var text =
                figure.qualifier.format(NumberFormat.grouped(Double(figure.value)))
                + (figure.derivation == nil ? "" : ChartMark.derived) + " " + measure
            if let scope = Scope(rawValue: figure.scope), scope != .all, scope != .memberStates || figure.measure != "member_states" {
                text += " (counting \(scope.words))"
            }
            if let derivation = figure.derivation { text += "\nDerived: " + derivation }
            text += "\n" + (figure.source == event.source ? "" : (sources[figure.source] ?? figure.source) + ": ") + figure.locator
            return text
        }.joined(separator: "\n")
    }

    func factsBlocks() -> [PrintBlock] {
        var blocks: [PrintBlock] = [.paragraph("The totals, membership counts and other facts of the documents, each with its source and words.")]
        for section in sections {
            let valued = section.facts.contains { $0.value != nil }
            var columns = section.headings.map { PrintTable.Column($0) }
            if valued { columns.append(.init("Figure", numeric: true, weight: 0.8)) }
            columns.append(.init("Source and its words", weight: 2.5))
            let rows = section.facts.map { fact in
                var source = (sources[fact.source] ?? fact.source) + "\n" + fact.locator
                if let derivation = fact.derivation { source += "\nDerived: " + derivation }
                if let note = fact.note { source += "\nNote: " + note }
                return fact.columns + (valued ? [(fact.value ?? "–") + (fact.derivation == nil ? "" : ChartMark.derived)] : []) + [source]
            }
            blocks += [.heading(section.title), .table(PrintTable(columns: columns, rows: rows))]
        }
        return blocks
    }
}
