import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel

/// The release's `SiteManifest`, and the date formats the site writes.
enum Manifest {
    static func json(
        snapshot: Snapshot, charts all: [RenderedChart], pages: [SitePage], errors: [ChartError],
        renderedAt: Date
    ) throws -> [UInt8] {
        func entry(_ chart: RenderedChart) -> SiteManifest.Chart {
            let language = chart.spec.language
            let directory = language == .en ? "" : language.rawValue + "/"
            return SiteManifest.Chart(
                name: chart.spec.name, title: chart.spec.title, subtitle: chart.spec.subtitle,
                source: chart.spec.source, alt: chart.alt, page: directory + chart.spec.page + ".html",
                width: chart.spec.width, height: chart.spec.height,
                narrow: chart.narrowSize.map { SiteManifest.Chart.Size(width: $0.width, height: $0.height) }, directory: directory)
        }
        let translations = Dictionary(grouping: all.filter { $0.spec.language != .en }, by: \.spec.language.rawValue).mapValues { $0.map(entry) }
        return try SiteManifest(
            snapshot: .init(
                id: snapshot.id, startedAt: iso(snapshot.startedAt), finishedAt: iso(snapshot.finishedAt),
                dataVersion: snapshot.dataVersion),
            renderedAt: iso(renderedAt),
            charts: all.filter { $0.spec.language == .en }.map(entry),
            pages: pages.map { SiteManifest.Page(path: $0.path, title: $0.title, pdf: $0.pdfPath) },
            errors: errors.map { SiteManifest.Problem(file: $0.file ?? "", key: $0.key, message: $0.message) },
            translations: translations
        ).encoded()
    }

    /// ISO 8601 in UTC, to the second: "2026-11-22T09:00:00Z".
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// "22 ноября 2026 г., 09:00 UTC", "2026年11月22日 09:00 UTC": the day and time as CLDR writes them in `language`.
    static func readable(_ date: Date, in language: Language) -> String {
        guard language != .en else { return readable(date) }
        var style = Date.FormatStyle(date: .long, time: .shortened).locale(language.locale)
        style.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(style) + " UTC"
    }

    /// "22 November 2026, 09:00 UTC".
    static func readable(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        let month = months[parts.month! - 1]
        func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return "\(parts.day!) \(month) \(parts.year!), \(twoDigits(parts.hour!)):\(twoDigits(parts.minute!)) UTC"
    }
}
