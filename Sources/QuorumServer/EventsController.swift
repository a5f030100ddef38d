import Foundation
import Hummingbird
import QuorumModel
import QuorumStore

/// `GET /api/v1/events`, `GET /api/v1/sources` and `POST /api/v1/events`: the
/// facts themselves, from PostgreSQL through the pool (libpq runs on the pool's
/// threads, never on an event loop).
struct EventsController<Context: RequestContext> {
    let pool: ConnectionPool
    let maxBodyBytes: Int
    let timeout: Duration

    func addRoutes(to group: RouterGroup<Context>) {
        group.getAndHead("events", use: list)
        group.getAndHead("figures", use: figures)
        group.post("events", use: ingest)
        group.getAndHead("sources", use: sources)
    }

    // MARK: Reading

    @Sendable func list(request: Request, context: Context) async throws -> Response {
        try await page(request, of: .events)
    }

    /// Every figure with its provenance and its event: the register as data.
    @Sendable func figures(request: Request, context: Context) async throws -> Response {
        try await page(request, of: .figures)
    }

    /// A page of events (the filters and the paging are the same for both
    /// listings), as the events with their figures, or as their figures.
    private func page(_ request: Request, of listing: EventListing.Shape) async throws -> Response {
        var filter = try EventFilter(request.uri.queryParameters)
        // `?lang=` first, then what the client accepts.
        if request.uri.queryParameters["lang"] == nil, let accepted = request.headers[.acceptLanguage] {
            filter.language = (Language.preferred(byAcceptLanguage: accepted) ?? .en).rawValue
        }
        let text = try await withDeadline(timeout) { [pool, filter] in
            try await pool.withConnection { try EventListing.page(listing, filter, on: $0) }
        }
        var response = JSON.representation(text: text)
        response.headers[.contentLanguage] = filter.language
        response.headers[.vary] = "Accept-Language"
        return response
    }

    @Sendable func sources(request: Request, context: Context) async throws -> Response {
        let text = try await withDeadline(timeout) { [pool] in try await pool.withConnection { try EventListing.sources(on: $0) } }
        return JSON.representation(text: text)
    }

    // MARK: Ingest

    /// One event or an array of them in the dataset JSON format; validated as
    /// `quorum import` validates, written in one transaction or not at all.
    @Sendable func ingest(request: Request, context: Context) async throws -> Response {
        let summary = try await withDeadline(timeout) { [pool, maxBodyBytes] in
            let ingest = try EventIngest(body: try await EventIngest.body(of: request, upTo: maxBodyBytes))
            do {
                return try await pool.withConnection { try DatasetImporter($0).run(ingest.dataset, file: "request body") }
            } catch let invalid as InvalidInput {
                throw ingest.error(invalid)
            }
        }
        let events = summary.counts["events"]
        return try JSON.response(
            IngestAnswer(
                created: events?.created ?? 0, updated: events?.updated ?? 0,
                unchanged: events?.unchanged ?? 0,
                records: summary.counts.mapValues {
                    ["created": $0.created, "updated": $0.updated, "unchanged": $0.unchanged]
                }),
            status: (events?.created ?? 0) > 0 ? .created : .ok)
    }
}

private struct IngestAnswer: Encodable {
    let created, updated, unchanged: Int
    let records: [String: [String: Int]]
}

/// The parameters of `GET /api/v1/events` and `/figures`, each checked and named when wrong.
extension EventFilter {
    init(_ parameters: Parameters) throws {
        self.init()
        var issues: [APIError.Issue] = []
        var page: Int?
        func number<T: FixedWidthInteger>(_ key: String, _ text: String, _ range: ClosedRange<T>) -> T? {
            guard let value = T(text), range.contains(value) else {
                issues.append(.init(path: key, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
                return nil
            }
            return value
        }
        for (key, value) in parameters {
            let value = String(value)
            switch key {
            case "organisation": organisation = value
            case "body": body = value
            case "dimension": dimension = value
            case "from": from = number("from", value, 1...9999)
            case "to": to = number("to", value, 1...9999)
            case "limit": limit = number("limit", value, 1...EventFilter.maxLimit) ?? limit
            case "cursor": cursor = number("cursor", value, 0...Int64.max) ?? 0
            case "page": page = number("page", value, 1...1_000_000)
            case "lang":
                if Language(rawValue: value) != nil {
                    language = value
                } else {
                    issues.append(.init(path: "lang", message: "must be one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
            default:
                issues.append(
                    .init(
                        path: String(key),
                        message: "unknown parameter; use organisation, body, dimension, from, to, limit, cursor, page or lang"))
            }
        }
        if let page {
            if cursor != 0 { issues.append(.init(path: "page", message: "use either page or cursor, not both")) }
            offset = (page - 1) * limit
        }
        guard issues.isEmpty else { throw APIError(.badRequest, "bad query", issues: issues) }
    }
}

/// A POST body read as events of the dataset format, with the paths of its
/// issues told relative to the body: `$[2].date` in an array, `$.date` alone.
struct EventIngest {
    let dataset: Dataset
    let isArray: Bool

    /// The request's body: its pieces as they come, then copied once into a
    /// buffer of the exact size, rather than a buffer grown by doubling (each
    /// size one more block for the allocator to keep) and a copy of it. More
    /// than `maxBytes` is a 413 as soon as it has come.
    static func body(of request: Request, upTo maxBytes: Int) async throws -> Data {
        var pieces: [ByteBuffer] = []
        var length = 0
        for try await piece in request.body {
            length += piece.readableBytes
            guard length <= maxBytes else { throw APIError.bodyTooLarge(maxBytes) }
            pieces.append(piece)
        }
        var body = Data(capacity: length)
        for piece in pieces { piece.withUnsafeReadableBytes { body.append($0.assumingMemoryBound(to: UInt8.self)) } }
        return body
    }

    init(body: Data) throws {
        let first = body.first { !$0.isASCIIWhitespace }
        guard first == UInt8(ascii: "[") || first == UInt8(ascii: "{") else {
            throw APIError(
                .badRequest, "the body must be a JSON event or an array of events (docs/data-format.md)",
                issues: [.init(path: "$", message: first == nil ? "is empty" : "not valid JSON")])
        }
        if let problem = Dataset.jsonSyntaxProblem(body) {
            throw APIError(.badRequest, "the body is not JSON", issues: [.init(path: "$", message: problem)])
        }
        isArray = first == UInt8(ascii: "[")
        let prefix = #"{"events":"#.utf8
        var wrapped = Data(capacity: prefix.count + body.count + 3)  // and "[", "]" and "}"
        wrapped.append(contentsOf: prefix)
        if !isArray { wrapped.append(UInt8(ascii: "[")) }
        wrapped.append(body)
        if !isArray { wrapped.append(UInt8(ascii: "]")) }
        wrapped.append(UInt8(ascii: "}"))
        do {
            dataset = try Dataset.decode(json: wrapped, file: "request body")
        } catch {
            throw Self.error(error, isArray: isArray)
        }
        let issues = dataset.validate()
        if !issues.isEmpty { throw Self.error(InvalidInput(file: "request body", issues: issues), isArray: isArray) }
    }

    func error(_ invalid: InvalidInput) -> APIError { Self.error(invalid, isArray: isArray) }

    static func error(_ invalid: InvalidInput, isArray: Bool) -> APIError {
        let issues = invalid.issues.map { APIError.Issue(path: path(of: $0.location, isArray: isArray), message: $0.message) }
        let more = invalid.more > 0 ? " (and \(invalid.more) more)" : ""
        return APIError(
            .badRequest, "\(issues.count) problem\(issues.count == 1 ? "" : "s")\(more); nothing was written",
            issues: issues)
    }

    /// `$.events[3].title` or `events[3].title` → `$[3].title` (or `$.title` for one event).
    static func path(of location: String, isArray: Bool) -> String {
        var rest = Substring(location)
        if rest.hasPrefix("$.") { rest = rest.dropFirst(2) }
        if rest == "$" { return "$" }
        guard rest.hasPrefix("events") else { return "$." + rest }
        rest = rest.dropFirst("events".count)
        if rest.isEmpty { return "$" }
        guard !isArray, rest.hasPrefix("["), let close = rest.firstIndex(of: "]") else { return "$" + rest }
        let after = rest[rest.index(after: close)...]
        return after.isEmpty ? "$" : "$" + after
    }
}

private extension UInt8 {
    var isASCIIWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}
