import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import QuorumTestSupport
import Synchronization
import Testing

@testable import QuorumServer

/// The request body limit on a real socket: refused before reading when the
/// declared length is over it, the moment a chunked body passes it, and the
/// server no bigger for it.
@Suite(.testDatabases) struct BodyLimitTests {
    static let fixture = Result { try TestDatabase.sharedByTheRun { try ServerFixture() } }

    @Test func theDefaultLimitIsOneMebibyte() {
        #expect(ServerSettings().maxBodyBytes == 1_048_576)
    }

    /// Only the head is sent: the 413 can come only from the declared length.
    @Test func aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() async throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.token("declared-\(UInt32.random(in: 0...UInt32.max))")
        try await fixture.application().test(.live) { client in
            let socket = try RawConnection(port: client.port!)
            defer { socket.close() }
            try await socket.send(
                """
                POST /api/v1/events HTTP/1.1\r\nHost: q\r\nAuthorization: Bearer \(token)\r\n\
                Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n
                """)
            let response = try #require(try await socket.receiveResponses(1).first)
            #expect(response.head.first?.hasPrefix("HTTP/1.1 413 ") == true)
            #expect(response.body.contains(#""status":413"#))
        }
    }

    /// A chunked body without its last chunk: the 413 comes once the limit is passed, not at the end.
    @Test func aChunkedBodyIsRefusedAsSoonAsItPassesTheLimit() async throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.token("chunked-\(UInt32.random(in: 0...UInt32.max))")
        try await fixture.application().test(.live) { client in
            let socket = try RawConnection(port: client.port!)
            defer { socket.close() }
            try await socket.send(
                """
                POST /api/v1/events HTTP/1.1\r\nHost: q\r\nAuthorization: Bearer \(token)\r\n\
                Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n
                """)
            let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 65_536) + Array("\r\n".utf8)
            for _ in 0..<24 { try await socket.send(bytes: chunk) }  // 1.5 MiB, and no "0\r\n\r\n"
            let response = try #require(try await socket.receiveResponses(1).first)
            #expect(response.head.first?.hasPrefix("HTTP/1.1 413 ") == true)
            #expect(response.body.contains("1048576 bytes"))
        }
    }

    /// The client writes every body in full; each is refused, and the connection carries on.
    @Test func fiftyBodiesOfFiveMegabytesAreEachRefused() async throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.token("large-\(UInt32.random(in: 0...UInt32.max))")
        let large = ByteBuffer(repeating: UInt8(ascii: "{"), count: 5_000_000)
        let headers = bearer(token) + [HTTPField(name: .contentType, value: "application/json")]
        try await fixture.application().test(.live) { client in
            for round in 0..<50 {
                let response = try await client.execute(uri: "/api/v1/events", method: .post, headers: headers, body: large)
                #expect(response.status == .contentTooLarge, "round \(round)")
                try HTTPSemanticsTests.expectShortJSONError(response, status: 413)
            }
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
    }

    /// Through the router, without a socket: a body over a small limit, with and without a token.
    @Test func aBodyOverTheLimitIs413WhoeverSendsIt() async throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.token("router-\(UInt32.random(in: 0...UInt32.max))")
        let events = "[" + (0..<40).map { eventJSON(title: "Limited Forum \($0)") }.joined(separator: ",") + "]"
        try await fixture.application { $0.maxBodyBytes = 2048 }.test(.router) { client in
            for headers in [bearer(token), [:]] {
                let response = try await client.execute(uri: "/api/v1/events", method: .post, headers: headers, body: body(events))
                #expect(response.status == .contentTooLarge)
                try HTTPSemanticsTests.expectShortJSONError(response, status: 413)
            }
            let small = try await client.execute(
                uri: "/api/v1/events", method: .post, headers: bearer(token),
                body: body(eventJSON(title: "Limited Forum small")))
            #expect(small.status == .created)
        }
        #expect(try fixture.scalar("SELECT count(*)::text FROM quorum.event WHERE title LIKE 'Limited Forum %'") == "1")
    }

    // MARK: Memory

    /// Large bodies come: nothing yet. An interval without: nothing still, the last may be in hand. The next: release, once.
    @Test func freedMemoryIsReleasedOnceLargeBodiesHaveSettled() {
        let bodies = LargeBodies()
        bodies.note(1000)
        #expect(!bodies.settled())
        bodies.note(LargeBodies.threshold)
        #expect(!bodies.settled())
        bodies.note(5_000_000)  // another, while waiting: wait again
        #expect(!bodies.settled())
        #expect(bodies.settled())
        #expect(!bodies.settled())
    }

    @Test func theServerReleasesFreedMemoryAfterALargeBody() async throws {
        let fixture = try Self.fixture.get()
        let releases = Mutex(0)
        let dependencies = ServerDependencies(
            pool: fixture.pool, cache: fixture.cache, site: fixture.site,
            releaseFreedMemory: { releases.withLock { $0 += 1 } })
        QuorumMetrics.bootstrap()
        try await buildApplication(dependencies, settings: ServerSettings(), logger: .init(label: "test")).test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/events", method: .post,
                body: ByteBuffer(repeating: UInt8(ascii: "{"), count: 2_000_000))
            #expect(response.status == .contentTooLarge)
            for _ in 0..<40 where releases.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(250)) }
            #expect(releases.withLock { $0 } == 1)
        }
    }
}
