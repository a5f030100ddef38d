import Foundation
import QuorumAggregates
import QuorumCharts

/// manifest.json: what the tree holds, for the HTTP server and the mailer
/// (CONTRACTS.md describes it).
enum Manifest {
    struct Document: Encodable {
        struct SnapshotInfo: Encodable {
            let id: Int64
            let startedAt: String
            let finishedAt: String
            let dataVersion: Int64
        }
        struct Chart: Encodable {
            let name, title, subtitle, source, alt, page: String
            let width, height: Int
            let files: [String: String]
        }
        struct Page: Encodable {
            let path, title: String
        }
        struct Problem: Encodable {
            let file: String
            let key: String?
            let message: String
        }
        let snapshot: SnapshotInfo
        let renderedAt: String
        let charts: [Chart]
        let pages: [Page]
        let errors: [Problem]
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func json(snapshot: Snapshot, charts: [RenderedChart], pages: [SitePage], errors: [ChartError],
                     renderedAt: Date) throws -> [UInt8] {
        let document = Document(
            snapshot: .init(id: snapshot.id, startedAt: iso(snapshot.startedAt), finishedAt: iso(snapshot.finishedAt),
                            dataVersion: snapshot.dataVersion),
            renderedAt: iso(renderedAt),
            charts: charts.map { chart in
                let name = chart.spec.name
                return Document.Chart(
                    name: name, title: chart.spec.title, subtitle: chart.spec.subtitle, source: chart.spec.source,
                    alt: chart.alt, page: chart.spec.page + ".html", width: chart.spec.width, height: chart.spec.height,
                    files: ["png": "charts/\(name).png", "png2x": "charts/\(name)@2x.png", "dark": "charts/\(name).dark.png",
                            "dark2x": "charts/\(name).dark@2x.png", "csv": "data/\(name).csv", "json": "data/\(name).json"])
            },
            pages: pages.map { Document.Page(path: $0.path, title: $0.title) },
            errors: errors.map { Document.Problem(file: $0.file ?? "", key: $0.key, message: $0.message) })
        return Array(try encoder.encode(document))
    }

    /// ISO 8601 in UTC, to the second: "2026-11-22T09:00:00Z".
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// "22 November 2026, 09:00 UTC".
    static func readable(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                      "November", "December"]
        let month = months[parts.month! - 1]
        func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return "\(parts.day!) \(month) \(parts.year!), \(twoDigits(parts.hour!)):\(twoDigits(parts.minute!)) UTC"
    }
}
