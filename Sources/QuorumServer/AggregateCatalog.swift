import Foundation
import HTTPTypes
import NIOCore
import QuorumAggregates
import QuorumModel
import Synchronization

/// Every aggregate of the current snapshot, encoded once as JSON and as CSV, so
/// that a cached GET is a dictionary lookup and a write. Re-encoded when the
/// snapshot cache holds a newer snapshot than the one encoded.
final class AggregateCatalog: Sendable {
    /// One representation, ready to send: its bytes, and the headers of a 200 and of a 304.
    struct Encoded: Sendable {
        static let json = "application/json; charset=utf-8"
        static let csv = "text/csv; charset=utf-8; header=present"

        let body: ByteBuffer
        let etag: String
        let lastModified: String
        /// What a 304 repeats of a 200: the validators, the caching rules, and the
        /// length of the 200's content (RFC 9110 8.6: that length or none, never 0).
        let validators: HTTPFields
        /// A 200's: the same and the type.
        let headers: HTTPFields

        init(body: ByteBuffer, etag: String, contentType: String, lastModified: String) {
            self.body = body
            self.etag = etag
            self.lastModified = lastModified
            validators = [
                .eTag: etag,
                .lastModified: lastModified,
                .cacheControl: "public, max-age=0, must-revalidate",
                .vary: "Accept",
                .contentLength: String(body.readableBytes),
            ]
            var headers = validators
            headers[.contentType] = contentType
            self.headers = headers
        }
    }

    struct Edition: Sendable {
        let snapshot: Snapshot
        let lastModified: String
        let list: Encoded
        /// Keyed by "name.json" and "name.csv".
        let representations: [String: Encoded]
    }

    private let cache: SnapshotCache
    private let edition = Mutex<Edition?>(nil)
    private let onNewSnapshot: @Sendable (Snapshot) -> Void

    init(cache: SnapshotCache, onNewSnapshot: @escaping @Sendable (Snapshot) -> Void = { _ in }) {
        self.cache = cache
        self.onNewSnapshot = onNewSnapshot
    }

    /// The encoded current snapshot, or nil before the first one.
    func current() throws -> Edition? {
        guard let snapshot = cache.snapshot else { return nil }
        if let held = edition.withLock({ $0 }), held.snapshot.id == snapshot.id { return held }
        // Two requests may encode the same new snapshot at once; both results are equal.
        let fresh = try Self.encode(snapshot)
        edition.withLock { held in
            if held.map({ $0.snapshot.id < snapshot.id }) ?? true { held = fresh }
        }
        onNewSnapshot(snapshot)
        return fresh
    }

    /// The current snapshot if it is encoded already; nil when it still needs encoding.
    func encodedCurrent() -> Edition? {
        guard let snapshot = cache.snapshot, let held = edition.withLock({ $0 }), held.snapshot.id == snapshot.id else {
            return nil
        }
        return held
    }

    static func encode(_ snapshot: Snapshot) throws -> Edition {
        let lastModified = HTTPDate.format(snapshot.finishedAt)
        var representations: [String: Encoded] = [:]
        let names = CodeNames.datasetNames(snapshot)
        for table in snapshot.tables {
            representations[table.name + ".json"] = Encoded(
                body: ByteBuffer(bytes: try json(table, rows: table.rows, snapshot: snapshot, names: names)),
                etag: etag(snapshot, table.name, "json"), contentType: Encoded.json, lastModified: lastModified)
            representations[table.name + ".csv"] = Encoded(
                body: ByteBuffer(string: csv(table, rows: table.rows)),
                etag: etag(snapshot, table.name, "csv"), contentType: Encoded.csv, lastModified: lastModified)
        }
        struct Listing: Encodable {
            struct Entry: Encodable {
                let name, description: String
                let columns: [String]
                let rows: Int
                let href: String
            }
            let snapshot: SnapshotSummary
            let aggregates: [Entry]
        }
        let listing = Listing(
            snapshot: SnapshotSummary(snapshot),
            aggregates: snapshot.tables.map {
                .init(
                    name: $0.name, description: $0.description, columns: $0.columns, rows: $0.rows.count,
                    href: "/api/v1/aggregates/\($0.name)")
            })
        let list = Encoded(
            body: ByteBuffer(bytes: try JSON.encoder.encode(listing)), etag: etag(snapshot, "aggregates", "json"),
            contentType: Encoded.json, lastModified: lastModified)
        return Edition(snapshot: snapshot, lastModified: lastModified, list: list, representations: representations)
    }

    static func etag(_ snapshot: Snapshot, _ name: String, _ representation: String, variant: String? = nil) -> String {
        "\"s\(snapshot.id)-\(name).\(representation)\(variant.map { "-" + $0 } ?? "")\""
    }

    // MARK: Representations

    /// `{"name", "description", "snapshot", "columns", "headings", "names", "rows": [{column: value}]}`:
    /// rows as objects, so a qualifier sits beside the figure it qualifies; each
    /// column's heading, and each code's name, in every language.
    /// `names` is `CodeNames.datasetNames(snapshot)`, when the caller has it already.
    static func json(
        _ table: AggregateTable, rows: [[Value]], snapshot: Snapshot, names: [String: [String: CodeNames.Names]]? = nil
    ) throws -> Data {
        struct Body: Encodable {
            let name, description: String
            let snapshot: SnapshotSummary
            let columns: [String]
            let headings: [String: CodeNames.Names]
            let names: [String: [String: CodeNames.Names]]
            let rows: [Record]
        }
        let headings = Dictionary(
            uniqueKeysWithValues: table.columns.map { column in
                let label = ColumnLabels.label(column, in: table.name)
                return (column, Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0.rawValue, label.heading(in: $0)) }))
            })
        return try JSON.encoder.encode(
            Body(
                name: table.name, description: table.description, snapshot: SnapshotSummary(snapshot),
                columns: table.columns, headings: headings,
                names: CodeNames.of(table, rows: rows, dataset: names ?? CodeNames.datasetNames(snapshot)),
                rows: rows.map { Record(columns: table.columns, values: $0) }))
    }

    /// A header line of column names, then one line per row; cells defused
    /// against spreadsheet formulas by the shared CSV writer.
    static func csv(_ table: AggregateTable, rows: [[Value]]) -> String {
        var text = CSVWriter.line(table.columns)
        for row in rows { text += CSVWriter.line(row.map(\.description)) }
        return text
    }
}

/// What a response says about the snapshot it came from.
struct SnapshotSummary: Encodable {
    let id: Int64
    let startedAt: Date
    let finishedAt: Date
    let dataVersion: Int64

    init(_ snapshot: Snapshot) {
        id = snapshot.id
        startedAt = snapshot.startedAt
        finishedAt = snapshot.finishedAt
        dataVersion = snapshot.dataVersion
    }
}

/// One row as a JSON object keyed by column name (`columns` gives their order).
private struct Record: Encodable {
    let columns: [String]
    let values: [Value]

    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (column, value) in zip(columns, values) { try container.encode(value, forKey: Key(stringValue: column)) }
    }
}

/// The date format of Last-Modified (RFC 9110, IMF-fixdate).
enum HTTPDate {
    nonisolated(unsafe) private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()
    private static let lock = Mutex(())

    static func format(_ date: Date) -> String { lock.withLock { _ in formatter.string(from: date) } }
}
