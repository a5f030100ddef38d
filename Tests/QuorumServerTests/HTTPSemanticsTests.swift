import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import QuorumTestSupport
import Testing

@testable import QuorumServer

/// What clients expect of any HTTP server: HEAD and conditional GET on every read,
/// OPTIONS and 405 with `Allow`, and errors as short JSON.
@Suite(.testDatabases) struct HTTPSemanticsTests {
    static let fixture = Result { try TestDatabase.sharedByTheRun { try ServerFixture(site: try Self.site()) } }

    static func site() throws -> SiteFiles {
        let site = SiteFiles(root: try SiteTests.siteRoot())
        try site.reload()
        return site
    }

    /// A request for each GET route, by its pattern; a route added without one here fails `headAnswersEveryGetRoute`.
    static let reads: [String: String] = [
        "/": "/",
        "/{file}": "/cbm.html",
        "/charts/{file}": "/charts/participants-by-year.png",
        "/data/{file}": "/data/participants-by-year.csv",
        "/{file}/{page}": "/ru/index.html",
        "/{file}/charts/{chart}": "/ru/charts/participants-by-year.png",
        "/healthz": "/healthz",
        "/readyz": "/readyz",
        "/metrics": "/metrics",
        "/openapi.json": "/openapi.json",
        "/api/v1/aggregates": "/api/v1/aggregates",
        "/api/v1/aggregates/{name}": "/api/v1/aggregates/body_year",
        "/api/v1/events": "/api/v1/events?limit=5",
        "/api/v1/figures": "/api/v1/figures?limit=5",
        "/api/v1/sources": "/api/v1/sources",
        "/api/v1/snapshots/latest": "/api/v1/snapshots/latest",
    ]
    /// More of the same routes: other files and representations, a filtered aggregate.
    static let moreReads = [
        "/style.css", "/manifest.json", "/api/v1/aggregates/body_year.csv",
        "/api/v1/aggregates/body_year?from=2022", "/api/v1/events?organisation=CICA&limit=2",
    ]
    /// Answers that change from one request to the next (counters, the snapshot's age).
    static let volatile: Set<String> = ["/metrics", "/readyz"]

    static func router(_ fixture: ServerFixture) -> Router<BasicRequestContext> {
        buildRouter(ServerDependencies(pool: fixture.pool, cache: fixture.cache, site: fixture.site), settings: ServerSettings())
    }

    // MARK: HEAD

    /// A strong validator: the first twelve bytes of the body's SHA-256, in hex.
    @Test func anEntityTagIsTheStartOfTheBodysSHA256() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2)
        #expect(EntityTag.of(Data("abc".utf8)) == "\"ba7816bf8f01cfea414140de\"")
    }

    @Test func headAnswersEveryGetRouteWithTheGetHeadersAndNoBody() async throws {
        let fixture = try Self.fixture.get()
        let routes = Self.router(fixture).routes
        let gets = Set(routes.filter { $0.method == .get }.map(\.path.description))
        let heads = Set(routes.filter { $0.method == .head }.map(\.path.description))
        #expect(gets == Set(Self.reads.keys), "GET routes without an example here: \(gets.subtracting(Self.reads.keys).sorted())")
        #expect(heads == gets)

        try await fixture.application().test(.router) { client in
            for uri in Self.reads.values.sorted() + Self.moreReads {
                let get = try await client.execute(uri: uri, method: .get)
                let head = try await client.execute(uri: uri, method: .head)
                #expect(get.status == .ok, "\(uri)")
                #expect(head.status == get.status, "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
                let path = String(uri.prefix { $0 != "?" })
                if Self.volatile.contains(path) {
                    #expect(Set(head.headers.map(\.name)) == Set(get.headers.map(\.name)), "\(uri)")
                    #expect((head.headers[.contentLength].flatMap { Int($0) } ?? 0) > 0, "\(uri)")
                } else {
                    #expect(head.headers == get.headers, "\(uri)")
                    #expect(head.headers[.contentLength] == String(get.body.readableBytes), "\(uri)")
                }
            }
        }
    }

    @Test func headerFieldsPastTheLimitGet431() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            let large = String(repeating: "a", count: 40 * 1024)
            let refused = try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Padding")!: large])
            #expect(refused.status == .requestHeaderFieldsTooLarge)
            #expect(try refused.json()["error"] as? String == "the request's header fields exceed 32 KB")
            let usual = try await client.execute(
                uri: "/healthz", method: .get,
                headers: [HTTPField.Name("X-Padding")!: String(large.prefix(8 * 1024))])
            #expect(usual.status == .ok)
        }
    }

    @Test func headOfAnErrorHasItsHeadersAndNoBody() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            for uri in ["/api/v1/aggregates/no_such_aggregate", "/api/v1/events?limit=0", "/nothing/here"] {
                let get = try await client.execute(uri: uri, method: .get)
                let head = try await client.execute(uri: uri, method: .head)
                #expect(get.status.code >= 400 && head.status == get.status, "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
                #expect(head.headers == get.headers, "\(uri)")
            }
        }
    }

    // MARK: Conditional GET

    @Test func everyReadHasAnETagThatIfNoneMatchAnswersWith304() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            for uri in Self.reads.values.sorted() + Self.moreReads {
                let get = try await client.execute(uri: uri, method: .get)
                let etag = try #require(get.headers[.eTag], "\(uri)")
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""), "\(uri)")
                if Self.volatile.contains(String(uri.prefix { $0 != "?" })) { continue }
                for method in [HTTPRequest.Method.get, .head] {
                    let cached = try await client.execute(uri: uri, method: method, headers: [.ifNoneMatch: "\"other\", \(etag)"])
                    #expect(cached.status == .notModified, "\(method) \(uri)")
                    #expect(cached.body.readableBytes == 0, "\(method) \(uri)")
                    #expect(cached.headers[.eTag] == etag, "\(method) \(uri)")
                    #expect(cached.headers[.cacheControl] == get.headers[.cacheControl], "\(method) \(uri)")
                    #expect(cached.headers[.contentType] == nil, "\(method) \(uri)")
                }
                let changed = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: "\"other\""])
                #expect(changed.status == .ok, "\(uri)")
                #expect(changed.body == get.body, "\(uri)")
            }
        }
    }

    @Test func ifModifiedSinceIsAnsweredWhereLastModifiedIsKnown() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            for uri in [
                "/api/v1/aggregates/body_year", "/api/v1/aggregates", "/api/v1/snapshots/latest", "/cbm.html",
                "/charts/participants-by-year.png",
            ] {
                let get = try await client.execute(uri: uri, method: .get)
                let lastModified = try #require(get.headers[.lastModified], "\(uri)")
                let modified = try #require(HTTPDate.seconds(lastModified))
                let later = HTTPDate.format(Date(timeIntervalSince1970: TimeInterval(modified + 3600)))
                let earlier = HTTPDate.format(Date(timeIntervalSince1970: TimeInterval(modified - 1)))
                for (since, status) in [
                    (lastModified, HTTPResponse.Status.notModified), (later, .notModified), (earlier, .ok),
                    ("yesterday", .ok),
                ] {
                    let response = try await client.execute(uri: uri, method: .get, headers: [.ifModifiedSince: since])
                    #expect(response.status == status, "\(uri) since \(since)")
                }
                // If-None-Match, when there is one, decides alone (RFC 9110 13.2.2).
                let both = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: "\"other\"", .ifModifiedSince: later])
                #expect(both.status == .ok, "\(uri)")
            }
        }
    }

    @Test func readsTheThreeFormsOfAnHTTPDate() {
        let expected: Int64 = 784_111_777  // 1994-11-06 08:49:37 UTC
        #expect(HTTPDate.seconds("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(HTTPDate.seconds("Sunday, 06-Nov-94 08:49:37 GMT") == expected)
        #expect(HTTPDate.seconds("Sun Nov  6 08:49:37 1994") == expected)
        #expect(HTTPDate.seconds(HTTPDate.format(Date(timeIntervalSince1970: 1_767_225_600))) == 1_767_225_600)
        #expect(HTTPDate.seconds("Tue, 29 Feb 2028 23:59:60 GMT") == 1_835_481_600)
        for invalid in [
            "", "yesterday", "Sun, 06 Nov 1994 08:49:37 CET", "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "1994-11-06T08:49:37Z",
        ] {
            #expect(HTTPDate.seconds(invalid) == nil, "\(invalid)")
        }
    }

    // MARK: OPTIONS and 405

    @Test func optionsOnAKnownPathListsItsMethods() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            for (uri, allow) in [
                ("/api/v1/events", "GET, HEAD, POST, OPTIONS"), ("/healthz", "GET, HEAD, OPTIONS"),
                ("/api/v1/aggregates", "GET, HEAD, OPTIONS"), ("/api/v1/aggregates/body_year", "GET, HEAD, OPTIONS"),
                ("/", "GET, HEAD, OPTIONS"), ("/cbm.html", "GET, HEAD, OPTIONS"),
                ("/charts/participants-by-year.png", "GET, HEAD, OPTIONS"), ("/openapi.json", "GET, HEAD, OPTIONS"),
            ] {
                let response = try await client.execute(uri: uri, method: .options)
                #expect(response.status == .noContent, "\(uri)")
                #expect(response.headers[.allow] == allow, "\(uri)")
                #expect(response.body.readableBytes == 0, "\(uri)")
            }
        }
    }

    @Test func aMethodThePathDoesNotHaveIs405WithAllow() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            for (method, uri, allow) in [
                (HTTPRequest.Method.delete, "/api/v1/aggregates", "GET, HEAD, OPTIONS"),
                (.post, "/healthz", "GET, HEAD, OPTIONS"),
                (.put, "/api/v1/events", "GET, HEAD, POST, OPTIONS"),
                (.patch, "/api/v1/aggregates/body_year", "GET, HEAD, OPTIONS"),
                (.delete, "/cbm.html", "GET, HEAD, OPTIONS"),
                (.post, "/", "GET, HEAD, OPTIONS"),
            ] {
                let response = try await client.execute(uri: uri, method: method, body: body("{}"))
                #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                try Self.expectShortJSONError(response, status: 405)
            }
        }
    }

    @Test func unknownPathsStay404WhateverTheMethod() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            for uri in ["/nothing.html", "/charts/none.png", "/api/v1/nothing", "/api/v2/events", "/a/b/c", "/data"] {
                for method in [HTTPRequest.Method.options, .delete, .get] {
                    let response = try await client.execute(uri: uri, method: method)
                    #expect(response.status == .notFound, "\(method) \(uri)")
                    #expect(response.headers[.allow] == nil, "\(method) \(uri)")
                    try Self.expectShortJSONError(response, status: 404)
                }
            }
        }
    }

    /// `error`, `status` and perhaps `issues`; nothing of the server's insides.
    static func expectShortJSONError(_ response: TestResponse, status: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let json = try response.json()
        #expect(Set(json.keys).isSubset(of: ["error", "status", "issues"]), sourceLocation: sourceLocation)
        #expect(json["status"] as? Int == status, sourceLocation: sourceLocation)
        #expect((json["error"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        #expect(response.body.readableBytes < 400, "\(response.text)", sourceLocation: sourceLocation)
        for inside in ["Error(", "NIO", "Hummingbird", ".swift", "PQ", "SELECT", "/tmp", "Optional("] {
            #expect(!response.text.contains(inside), "\(response.text)", sourceLocation: sourceLocation)
        }
    }
}
