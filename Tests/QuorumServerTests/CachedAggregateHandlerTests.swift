import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
@testable import QuorumServer
import Testing

/// Cached aggregate reads answered on the event loop, through a real socket:
/// the same status, headers and bytes as the router gives, and everything else
/// left to the router.
@Suite(.serialized) struct CachedAggregateHandlerTests {
    static let fixture = Result { try ServerFixture() }

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
            headers = Dictionary(response.headers.filter { !ignored.contains($0.name) }
                .map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { $1 })
            body = Array(response.body.readableBytesView)
        }

        var description: String { "\(status) \(headers.sorted { $0.key < $1.key }) \(body.count) bytes" }
    }

    static func requests(snapshot id: Int64) -> [(uri: String, headers: HTTPFields)] { [
        ("/api/v1/aggregates/body_year", [:]),
        ("/api/v1/aggregates/body_year.csv", [:]),
        ("/api/v1/aggregates/format_mix.json", [.accept: "text/csv"]),
        ("/api/v1/aggregates/format_mix", [.accept: "text/csv;q=0.9, application/json;q=0.5"]),
        ("/api/v1/aggregates/format_mix", [.ifNoneMatch: "W/\"other\", \"s0-format_mix.json\""]),
        ("/api/v1/aggregates/no_such_aggregate", [:]),
        ("/api/v1/aggregates/body_year?from=2022&to=2023", [:]),
        ("/api/v1/aggregates/body%5Fyear", [:]),
        ("/api/v1/aggregates/body_year", [.ifNoneMatch: "\"s\(id)-body_year.json\""]),
    ] }

    @Test func answersAsTheRouterDoes() async throws {
        let fixture = try Self.fixture.get()
        let requests = Self.requests(snapshot: fixture.snapshot.id)
        let expected = try await fixture.application().test(.router) { client in
            var seen: [Seen] = []
            for request in requests {
                seen.append(Seen(try await client.execute(uri: request.uri, method: .get, headers: request.headers)))
            }
            return seen
        }
        try await fixture.application().test(.live) { client in
            #expect(expected.map(\.status).contains(.notModified))
            for (request, router) in zip(requests, expected) {
                let live = Seen(try await client.execute(uri: request.uri, method: .get, headers: request.headers))
                #expect(live == router, "\(request.uri)")
            }
            // What the application adds around the router, the fast path adds too.
            let response = try await client.execute(uri: "/api/v1/aggregates/body_year", method: .get)
            #expect(response.headers[.server] == "Quorum")
            #expect(response.headers[.date]?.hasSuffix(" GMT") == true)
        }
    }

    /// The handler alone in a channel: a plain read is answered there, with the
    /// encoded bytes, and nothing of it reaches the next handler (the router);
    /// a read with a query is passed on untouched.
    @Test func answersPlainReadsItselfAndPassesTheRestOn() throws {
        let fixture = try Self.fixture.get()
        let catalog = AggregateCatalog(cache: fixture.cache)
        let encoded = try #require(try catalog.current()?.representations["body_year.json"])
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
            func served() async throws -> Int {
                let metrics = try await client.execute(uri: "/metrics", method: .get).text
                let line = metrics.split(separator: "\n").first {
                    $0.hasPrefix("http_requests_total{") && $0.contains(#"http_route="/api/v1/aggregates/{name}""#)
                        && $0.contains(#"http_response_status_code="200""#)
                }
                return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
            }
            let before = try await served()
            for _ in 0..<3 { _ = try await client.execute(uri: "/api/v1/aggregates/format_mix", method: .get) }
            #expect(try await served() == before + 3)
        }
    }

    /// Two requests written at once on one connection, the first for the router:
    /// the answers come back in the order asked.
    @Test func keepsTheOrderOfPipelinedRequests() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.live) { client in
            let socket = try RawConnection(port: client.port!)
            defer { socket.close() }
            try socket.send("""
                GET /api/v1/aggregates/body_year?from=2023 HTTP/1.1\r\nHost: q\r\n\r\n\
                GET /api/v1/aggregates/format_mix.csv HTTP/1.1\r\nHost: q\r\n\r\n
                """)
            let responses = try socket.receiveResponses(2)
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

/// A plain TCP connection, to write bytes no HTTP client would (pipelined requests).
private final class RawConnection {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw POSIXError(.EIO) }
    }

    /// The next `count` responses: each head's lines, and its body as text.
    func receiveResponses(_ count: Int) throws -> [(head: [String], body: String)] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var responses: [(head: [String], body: String)] = []
        while responses.count < count {
            // One whole response at the start of what was received: its head, then Content-Length bytes.
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                let length = head.lazy.compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                if received.count >= end.upperBound + length {
                    responses.append((head, String(decoding: received[end.upperBound..<end.upperBound + length], as: UTF8.self)))
                    received.removeFirst(end.upperBound + length)
                    continue
                }
            }
            let read = Glibc.read(descriptor, &chunk, chunk.count)
            guard read > 0 else { throw POSIXError(.ETIMEDOUT) }
            received += chunk[..<read]
        }
        return responses
    }

    func close() { _ = Glibc.close(descriptor) }
}
