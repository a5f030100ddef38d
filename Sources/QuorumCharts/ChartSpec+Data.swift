import Foundation
import QuorumAggregates
import QuorumModel

extension ChartSpec {
    /// The spec's figures from a snapshot: its table, filtered, grouped by x and
    /// series; figures that share a place are added up and their qualifiers combined.
    public func data(from snapshot: Snapshot) throws(ChartError) -> ChartData {
        guard let table = snapshot[tableName] else {
            switch origin {
            case .aggregate(let name):
                let known = snapshot.tables.map(\.name).filter { !$0.hasPrefix("chart:") }.joined(separator: ", ")
                throw ChartError.spec(file: file, key: "aggregate", "'\(name)' is not an aggregate (known: \(known))")
            case .sql:
                throw ChartError.spec(file: file, key: "sql", "the snapshot has no result for this query yet (table \(tableName))")
            }
        }
        if let error = table.error {
            throw ChartError.spec(file: file, key: "sql", "the query failed: \(error)")
        }
        let sourceKey = if case .sql = origin { "sql" } else { "aggregate" }
        func column(_ name: String, key: String) throws(ChartError) -> Int {
            guard let index = table.columns.firstIndex(of: name) else {
                throw ChartError.spec(file: file, key: key,
                                      "'\(name)' is not a column of \(sourceKey) \(table.name) (columns: \(table.columns.joined(separator: ", ")))")
            }
            return index
        }
        let xColumn = try x.map { (name: String) throws(ChartError) in try column(name, key: "x") }
        let seriesColumn = try series.map { (name: String) throws(ChartError) in try column(name, key: "series") }
        var valueColumns: [Int] = []
        for name in values { valueColumns.append(try column(name, key: values.count == 1 ? "value" : "values")) }
        let qualifierColumn = try qualifier.map { (name: String) throws(ChartError) in try column(name, key: "qualifier") }
        // Without a qualifier column, each value column's "<column>_qualifier" (where the
        // table has one) says how exact it is, so a qualifier is never silently dropped.
        let ownQualifiers = values.map { table.columns.firstIndex(of: $0 + "_qualifier") }
        let referenceColumn = try reference.map { (name: String) throws(ChartError) in try column(name, key: "reference") }
        var filterColumns: [(Filter, Int)] = []
        for filter in filters { filterColumns.append((filter, try column(filter.column, key: "filter"))) }

        let rows = table.rows.filter { row in filterColumns.allSatisfy { filter, index in filter.keeps(row[index]) } }

        // Several value columns make the series (or, with no x, the categories).
        var categories: [String] = []
        var seriesNames: [String] = []
        var cells: [String: [String: [ChartPoint]]] = [:]
        var references: [String: [ChartPoint]] = [:]
        func note(_ item: String, in list: inout [String]) { if !list.contains(item) { list.append(item) } }

        for row in rows {
            for (position, valueColumn) in valueColumns.enumerated() {
                guard let number = row[valueColumn].number else { continue }
                let qualifier = (qualifierColumn ?? ownQualifiers[position]).flatMap { row[$0].text.flatMap(Qualifier.init(rawValue:)) }
                    ?? .exact
                let category = xColumn.map { row[$0].description } ?? values[position]
                let seriesName = xColumn == nil || valueColumns.count == 1
                    ? (seriesColumn.map { row[$0].description } ?? values[0])
                    : values[position]
                note(category, in: &categories)
                note(seriesName, in: &seriesNames)
                cells[seriesName, default: [:]][category, default: []].append(ChartPoint(number, qualifier))
            }
            if let referenceColumn, let xColumn, let number = row[referenceColumn].number {
                let category = row[xColumn].description
                note(category, in: &categories)
                // The reference is one figure per category, the same in every row that shares it.
                references[category] = [ChartPoint(number)]
            }
        }
        if !categories.isEmpty, categories.allSatisfy({ Int($0) != nil }) {
            categories.sort { Int($0)! < Int($1)! }
        }
        func combine(_ points: [ChartPoint]?) -> ChartPoint? {
            guard let points, !points.isEmpty else { return nil }
            return ChartPoint(points.reduce(0) { $0 + $1.value }, Qualifier.combined(points.map(\.qualifier)))
        }
        func carried(_ points: [ChartPoint?]) -> [ChartPoint?] {
            guard carryForward else { return points }
            var last: ChartPoint?
            return points.map { point in
                if let point { last = point }
                return point ?? last
            }
        }
        // A series named after a value column reads as a heading: "member_states" → "Member states".
        func seriesTitle(_ name: String) -> String {
            if let seriesName, seriesColumn == nil, xColumn == nil || valueColumns.count == 1 { return seriesName }
            if names[name] == nil, seriesColumn == nil || valueColumns.count > 1, values.contains(name) {
                let spaced = name.replacingOccurrences(of: "_", with: " ")
                return spaced.prefix(1).uppercased() + spaced.dropFirst()
            }
            return displayName(name)
        }
        let series = seriesNames.map { name in
            ChartSeries(name: seriesTitle(name), points: carried(categories.map { combine(cells[name]?[$0]) }))
        }
        let reference = references.isEmpty ? nil
            : ChartSeries(name: referenceName, points: carried(categories.map { references[$0]?.first }))
        return ChartData(categories: categories.map(displayName), series: series, reference: reference)
    }

    /// How the chart looks at a theme and scale.
    public func style(theme: Theme, scale: Int) -> ChartStyle {
        ChartStyle(kind: kind, title: title, subtitle: subtitle, source: source, width: width, height: height,
                   valueLabels: valueLabels, theme: theme, scale: scale)
    }
}
