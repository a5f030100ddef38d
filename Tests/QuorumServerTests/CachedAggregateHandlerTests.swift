import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import QuorumAggregates
import QuorumTestSupport
import Testing

@testable import QuorumServer

/// Cached aggregate reads answered on the event loop, through a real socket:
/// the same status, headers and bytes as the router gives, and everything else
/// left to the router.
@Suite(.serialized, .testDatabases) struct CachedAggregateHandlerTests {
    static let fixture = Result { try TestDatabase.sharedByTheRun { try ServerFixture() } }

    struct Seen: Equatable, CustomStringConvertible {
        let status: HTTPResponse.Status
        let headers: [String: String]
        let body: [UInt8]

        init(_ response: TestResponse) {
            status = response.status
            // The Date differs by the second; the connection header by the client. The router
            // alone, without the application around it, sends no Server header, and on the
            // wire NIO's encoder drops a 304's Content-Length.
            var ignored: [HTTPField.Name] = [.date, .connection, .server]
            if status == .notModified { ignored.append(.contentLength) }
            headers = Dictionary(
                response.headers.filter { !ignored.contains($0.name) }
                    .map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { $1 })
            body = Array(response.body.readableBytesView)
        }

        var description: String { "\(status) \(headers.sorted { $0.key < $1.key }) \(body.count) bytes" }
    }

    static func requests(snapshot: Snapshot) -> [(method: HTTPRequest.Method, uri: String, headers: HTTPFields)] {
        let lastModified = HTTPDate.format(snapshot.finishedAt)
        let earlier = HTTPDate.format(snapshot.finishedAt.addingTimeInterval(-60))
        return [
            (.get, "/api/v1/aggregates/body_year", [:]),
            (.get, "/api/v1/aggregates/body_year.csv", [:]),
            (.get, "/api/v1/aggregates/format_mix.json", [.accept: "text/csv"]),
            (.get, "/api/v1/aggregates/format_mix", [.accept: "text/csv;q=0.9, application/json;q=0.5"]),
            (.get, "/api/v1/aggregates/format_mix", [.ifNoneMatch: "W/\"other\", \"s0-format_mix.json\""]),
            (.get, "/api/v1/aggregates/no_such_aggregate", [:]),
            (.get, "/api/v1/aggregates/body_year?from=2022&to=2023", [:]),
            (.get, "/api/v1/aggregates/body%5Fyear", [:]),
            (.get, "/api/v1/aggregates/body_year", [.ifNoneMatch: "\"s\(snapshot.id)-body_year.json\""]),
            (.get, "/api/v1/aggregates/body_year", [.ifModifiedSince: lastModified]),
            (.get, "/api/v1/aggregates/body_year", [.ifModifiedSince: earlier]),
            (.get, "/api/v1/aggregates/body_year", [.ifNoneMatch: "\"other\"", .ifModifiedSince: lastModified]),
            (.head, "/api/v1/aggregates/body_year", [:]),
            (.head, "/api/v1/aggregates/format_mix.csv", [:]),
            (.head, "/api/v1/aggregates/body_year", [.ifNoneMatch: "\"s\(snapshot.id)-body_year.json\""]),
            (.head, "/api/v1/aggregates/no_such_aggregate", [:]),
            (.head, "/api/v1/aggregates/body_year?from=2022", [:]),
        ]
    }

    @Test func answersAsTheRouterDoes() async throws {
        let fixture = try Self.fixture.get()
        let requests = Self.requests(snapshot: fixture.snapshot)
        let expected = try await fixture.application().test(.router) { client in
            var seen: [Seen] = []
            for request in requests {
                seen.append(Seen(try await client.execute(uri: request.uri, method: request.method, headers: request.headers)))
            }
            return seen
        }
        try await fixture.application().test(.live) { client in
            #expect(expected.map(\.status).filter { $0 == .notModified }.count == 3)
            // HEAD: the GET's headers, its length included, and no body.
            #expect(expected[12].body.isEmpty && expected[12].headers == expected[0].headers)
            for (request, router) in zip(requests, expected) {
                let live = Seen(try await client.execute(uri: request.uri, method: request.method, headers: request.headers))
                #expect(live == router, "\(request.method) \(request.uri) \(request.headers)")
            }
            // What the application adds around the router, the fast path adds too.
            let response = try await client.execute(uri: "/api/v1/aggregates/body_year", method: .get)
            #expect(response.headers[.server] == "Quorum")
            #expect(response.headers[.date]?.hasSuffix(" GMT") == true)
        }
    }

    /// The handler alone in a channel: a plain read is answered there, with the
    /// encoded bytes (a HEAD without them), and nothing of it reaches the next
    /// handler (the router); a read with a query is passed on untouched.
    @Test func answersPlainReadsItselfAndPassesTheRestOn() throws {
        let fixture = try Self.fixture.get()
        let catalog = AggregateCatalog(cache: fixture.cache)
        let encoded = try #require(try catalog.current()?.representations["body_year.json"])
        QuorumMetrics.bootstrap()
        let channel = EmbeddedChannel(handler: CachedAggregateHandler(catalog: catalog, serverName: "Quorum"))
        defer { _ = try? channel.finish() }
        func get(_ path: String) throws {
            try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .get, scheme: nil, authority: "q", path: path)))
            try channel.writeInbound(HTTPRequestPart.end(nil))
        }

        try get("/api/v1/aggregates/body_year")
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        guard case .head(let head) = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no response head")
            return
        }
        #expect(head.status == .ok)
        #expect(head.headerFields[.eTag] == encoded.etag)
        guard case .body(let body) = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no response body")
            return
        }
        #expect(body == encoded.body)
        guard case .end = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no response end")
            return
        }

        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .head, scheme: nil, authority: "q", path: "/api/v1/aggregates/body_year")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        guard case .head(let headHead) = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no response head to HEAD")
            return
        }
        #expect(headHead.status == .ok)
        #expect(headHead.headerFields[.contentLength] == String(encoded.body.readableBytes))
        guard case .end = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("a body, or nothing, after the head of a HEAD")
            return
        }

        try get("/api/v1/aggregates/body_year?from=2022")
        guard case .head(let passed) = try channel.readInbound(as: HTTPRequestPart.self) else {
            Issue.record("the request with a query did not reach the router")
            return
        }
        #expect(passed.path == "/api/v1/aggregates/body_year?from=2022")
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
    }

    /// The fast path keeps the router's series, so the count is the same whichever
    /// answered; `answersPlainReadsItselfAndPassesTheRestOn` shows which one did.
    @Test func countsItsAnswersInTheRouteMetrics() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.live) { client in
            func served(_ method: String) async throws -> Int {
                let metrics = try await client.execute(uri: "/metrics", method: .get).text
                let line = metrics.split(separator: "\n").first {
                    $0.hasPrefix("http_requests_total{") && $0.contains(#"http_route="/api/v1/aggregates/{name}""#)
                        && $0.contains("http_request_method=\"\(method)\"") && $0.contains(#"http_response_status_code="200""#)
                }
                return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
            }
            let before = (get: try await served("GET"), head: try await served("HEAD"))
            for _ in 0..<3 { _ = try await client.execute(uri: "/api/v1/aggregates/format_mix", method: .get) }
            for _ in 0..<2 { _ = try await client.execute(uri: "/api/v1/aggregates/format_mix", method: .head) }
            #expect(try await served("GET") == before.get + 3)
            #expect(try await served("HEAD") == before.head + 2)
        }
    }

    /// Two requests written at once on one connection, the first for the router:
    /// the answers come back in the order asked.
    @Test func keepsTheOrderOfPipelinedRequests() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.live) { client in
            let socket = try RawConnection(port: client.port!)
            defer { socket.close() }
            try await socket.send(
                """
                GET /api/v1/aggregates/body_year?from=2023 HTTP/1.1\r\nHost: q\r\n\r\n\
                GET /api/v1/aggregates/format_mix.csv HTTP/1.1\r\nHost: q\r\n\r\n
                """)
            let responses = try await socket.receiveResponses(2)
            #expect(responses.map(\.head.first) == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"])
            #expect(responses[0].head.contains { $0.lowercased().hasPrefix("content-type: application/json") })
            #expect(responses[1].head.contains { $0.lowercased().hasPrefix("content-type: text/csv") })
            #expect(responses[1].body.hasPrefix("organisation,"))
        }
    }

    @Test func leavesEverythingToTheRouterWhenReadsNeedAToken() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application { $0.readTokenRequired = true }.test(.live) { client in
            let response = try await client.execute(uri: "/api/v1/aggregates/body_year", method: .get)
            #expect(response.status == .unauthorized)
        }
    }
}
