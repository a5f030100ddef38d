import Hummingbird
import NIOCore
import QuorumAggregates
import QuorumModel

/// `GET /api/v1/aggregates` and `GET /api/v1/aggregates/NAME[.csv]`: from the
/// in-memory snapshot, never a query per request.
struct AggregatesController<Context: RequestContext> {
    let catalog: AggregateCatalog

    func addRoutes(to group: RouterGroup<Context>) {
        group.getAndHead("aggregates", use: list)
        group.getAndHead("aggregates/{name}", use: show)
    }

    @Sendable func list(request: Request, context: Context) async throws -> Response {
        guard let edition = try catalog.current() else { throw APIError.noSnapshot }
        return cached(edition.list, request: request)
    }

    @Sendable func show(request: Request, context: Context) async throws -> Response {
        let wanted = CachedAggregate.Wanted(name: try context.parameters.require("name"), accept: request.headers[.accept])
        guard let edition = try catalog.current() else { throw APIError.noSnapshot }
        guard let table = edition.snapshot[wanted.name] else {
            throw APIError(.notFound, "no aggregate named '\(wanted.name)'; GET /api/v1/aggregates lists them")
        }
        let filter = try RowFilter(query: request.uri.queryParameters, table: table)

        if filter.isEmpty, let encoded = edition.representations[wanted.key] {
            return cached(encoded, request: request)
        }
        let rows = table.rows.filter(filter.matches)
        let body =
            wanted.csv
            ? ByteBuffer(string: AggregateCatalog.csv(table, rows: rows))
            : ByteBuffer(bytes: try AggregateCatalog.json(table, rows: rows, snapshot: edition.snapshot))
        let etag = AggregateCatalog.etag(edition.snapshot, wanted.name, wanted.representation, variant: filter.fingerprint)
        return cached(
            .init(body: body, etag: etag, contentType: wanted.contentType, lastModified: edition.lastModified),
            request: request)
    }

    /// A 304 when the client holds this representation already, else the bytes.
    private func cached(_ encoded: AggregateCatalog.Encoded, request: Request) -> Response {
        let (status, headers) = CachedAggregate.head(
            encoded, ifNoneMatch: request.headers[.ifNoneMatch],
            ifModifiedSince: request.headers[.ifModifiedSince])
        return Response(status: status, headers: headers, body: status == .ok ? .init(byteBuffer: encoded.body) : .init())
    }
}

/// What the controller and the event-loop fast path (`CachedAggregateHandler`)
/// share: which representation a request wants, and the headers it is sent with.
enum CachedAggregate {
    /// Which aggregate and representation a request asks for: `NAME.csv`, `NAME.json`,
    /// or `NAME` with the representation the Accept header prefers.
    struct Wanted {
        var name: String
        var csv: Bool

        init(name: String, accept: String?) {
            self.name = name
            csv = accept.map(CachedAggregate.prefersCSV) ?? false
            if name.hasSuffix(".csv") {
                self.name.removeLast(4)
                csv = true
            } else if name.hasSuffix(".json") {
                self.name.removeLast(5)
                csv = false
            }
        }

        var representation: String { csv ? "csv" : "json" }
        /// The key of the catalog's encoded representations.
        var key: String { "\(name).\(representation)" }
        var contentType: String { csv ? AggregateCatalog.Encoded.csv : AggregateCatalog.Encoded.json }
    }

    /// The status and headers of a cached representation: 304 when the client holds it already.
    static func head(_ encoded: AggregateCatalog.Encoded, ifNoneMatch: String?, ifModifiedSince: String?) -> (HTTPResponse.Status, HTTPFields) {
        if Preconditions.notModified(
            ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince,
            etag: encoded.etag, lastModified: encoded.lastModified)
        {
            return (.notModified, encoded.validators)
        }
        return (.ok, encoded.headers)
    }

    /// CSV when the client ranks text/csv above JSON.
    static func prefersCSV(_ accept: String) -> Bool {
        var csv = -1.0, json = -1.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            switch parts.first {
            case "text/csv": csv = max(csv, quality)
            case "application/json", "*/*", "application/*": json = max(json, quality)
            default: break
            }
        }
        return csv > 0 && csv > json
    }
}

/// The filters of an aggregate request: organisation, body, dimension, and a
/// year range `from`/`to`. A filter on a column the aggregate does not have,
/// or any other parameter, is refused by name rather than silently ignored.
struct RowFilter {
    private var equal: [(column: Int, value: String)] = []
    private var years: (column: Int, from: Int64, to: Int64)?
    let fingerprint: String

    static let columnFilters = ["organisation", "body", "dimension"]

    init(query: Parameters, table: AggregateTable) throws {
        var issues: [APIError.Issue] = []
        var from = Int64.min, to = Int64.max
        for (key, value) in query {
            let key = String(key), value = String(value)
            switch key {
            case _ where Self.columnFilters.contains(key):
                guard let column = table.columns.firstIndex(of: key) else {
                    issues.append(.init(path: key, message: "aggregate \(table.name) has no column \(key)"))
                    continue
                }
                equal.append((column, value))
            case "from", "to":
                guard let year = Int64(value) else {
                    issues.append(.init(path: key, message: "must be a year, like 2022"))
                    continue
                }
                if key == "from" { from = year } else { to = year }
            default:
                issues.append(.init(path: key, message: "unknown filter; use organisation, body, dimension, from or to"))
            }
        }
        if from != .min || to != .max {
            if let column = table.columns.firstIndex(of: "year") {
                years = (column, from, to)
            } else {
                issues.append(.init(path: from != .min ? "from" : "to", message: "aggregate \(table.name) has no column year"))
            }
        }
        guard issues.isEmpty else { throw APIError(.badRequest, "bad filter", issues: issues) }
        let canonical =
            equal.map { "\($0.column)=\($0.value)" }.sorted().joined(separator: "&")
            + (years.map { "&y=\($0.from)-\($0.to)" } ?? "")
        fingerprint = String(Self.fnv1a(canonical), radix: 36)
    }

    var isEmpty: Bool { equal.isEmpty && years == nil }

    func matches(_ row: [Value]) -> Bool {
        for (column, value) in equal where row[column].description != value { return false }
        if let years {
            guard let year = row[years.column].integer, year >= years.from, year <= years.to else { return false }
        }
        return true
    }

    /// A short, stable hash that tells filtered representations apart in their ETag.
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
