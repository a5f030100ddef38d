import Foundation
import Hummingbird
import HummingbirdTesting
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumServer

/// Tokens, body limits and what errors may say.
@Suite(.testDatabases) struct SecurityTests {
    static let fixture = Result { try TestDatabase.sharedByTheRun { try ServerFixture() } }

    /// The verdicts alone, on tokens held in memory: no database needed.
    @Test func theAuthenticatorTellsValidMissingUnknownAndRevokedTokensApart() async throws {
        let tokens = InMemoryTokens()
        let kept = try tokens.create(name: "kept"), dropped = try tokens.create(name: "dropped")
        #expect(throws: APITokens.Problem.self) { try tokens.create(name: "kept") }
        #expect(throws: APITokens.Problem.self) { try tokens.create(name: "no spaces") }
        let authenticator = TokenAuthenticator(tokens)
        #expect(await authenticator.verify(authorization: "Bearer \(kept)") == .valid)
        #expect(await authenticator.verify(authorization: "bearer  \(dropped) ") == .valid)
        #expect(await authenticator.verify(authorization: nil) == .missing)
        #expect(await authenticator.verify(authorization: "Basic \(kept)") == .missing)
        #expect(await authenticator.verify(authorization: "Bearer \(APITokens.generate())") == .unknown)
        #expect(tokens.revoke(name: "dropped"))
        #expect(!tokens.revoke(name: "dropped"))
        try await authenticator.refresh()
        #expect(await authenticator.verify(authorization: "Bearer \(dropped)") == .revoked)
        #expect(await authenticator.verify(authorization: "Bearer \(kept)") == .valid)
    }

    @Test func writesNeedAValidTokenAndARevokedOneIsForbidden() async throws {
        let fixture = try Self.fixture.get()
        let name = "revoked-\(UInt32.random(in: 0...UInt32.max))"
        let token = try fixture.token(name)
        let event = body(eventJSON(title: "Token Forum"))
        let dependencies = ServerDependencies(pool: fixture.pool, cache: fixture.cache, site: fixture.site)
        var settings = ServerSettings()
        settings.tokenRefreshInterval = .milliseconds(100)
        QuorumMetrics.bootstrap()
        try await buildApplication(dependencies, settings: settings, logger: .init(label: "test")).test(.router) { client in
            let none = try await client.execute(uri: "/api/v1/events", method: .post, body: event)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let wrong = try await client.execute(uri: "/api/v1/events", method: .post, headers: bearer(APITokens.generate()), body: event)
            #expect(wrong.status == .unauthorized)
            let basic = try await client.execute(uri: "/api/v1/events", method: .post, headers: [.authorization: "Basic \(token)"], body: event)
            #expect(basic.status == .unauthorized)

            let connection = try Connection(conninfo: fixture.conninfo)
            defer { connection.finish() }
            #expect(try APITokens.revoke(name: name, on: connection))
            #expect(try !APITokens.revoke(name: name, on: connection))
            // The periodic reload sees the revocation within a few intervals.
            var verdict = TokenAuthenticator.Verdict.valid
            for _ in 0..<100 where verdict != .revoked {
                try await Task.sleep(for: .milliseconds(50))
                verdict = await dependencies.tokens.verify(authorization: "Bearer \(token)")
            }
            #expect(verdict == .revoked)
            let revoked = try await client.execute(uri: "/api/v1/events", method: .post, headers: bearer(token), body: event)
            #expect(revoked.status == .forbidden)
        }
        #expect(try fixture.scalar("SELECT count(*)::text FROM quorum.event WHERE title = 'Token Forum'") == "0")
    }

    @Test func readsAreOpenUnlessConfiguredOtherwise() async throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.token("reader-\(UInt32.random(in: 0...UInt32.max))")
        try await fixture.application().test(.router) { client in
            let open = try await client.execute(uri: "/api/v1/aggregates", method: .get)
            #expect(open.status == .ok)
        }
        try await fixture.application { $0.readTokenRequired = true }.test(.router) { client in
            let aggregates = try await client.execute(uri: "/api/v1/aggregates", method: .get)
            let events = try await client.execute(uri: "/api/v1/events", method: .get)
            let withToken = try await client.execute(uri: "/api/v1/aggregates", method: .get, headers: bearer(token))
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(aggregates.status == .unauthorized)
            #expect(events.status == .unauthorized)
            #expect(withToken.status == .ok)
            #expect(health.status == .ok)
        }
    }

    @Test func anOversizedBodyIs413AndWritesNothing() async throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.token("large-\(UInt32.random(in: 0...UInt32.max))")
        let events = "[" + (0..<200).map { eventJSON(title: "Large Forum \($0)") }.joined(separator: ",") + "]"
        #expect(events.utf8.count > 4096)
        try await fixture.application { $0.maxBodyBytes = 4096 }.test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/events", method: .post, headers: bearer(token), body: body(events))
            #expect(response.status == .contentTooLarge)
            #expect(try response.json()["error"] != nil)
        }
        #expect(try fixture.scalar("SELECT count(*)::text FROM quorum.event WHERE title LIKE 'Large Forum%'") == "0")
    }

    @Test func tokensAreStoredOnlyAsHashes() throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.token("hashed-\(UInt32.random(in: 0...UInt32.max))")
        #expect(token.count == 43)  // 256 bits in base64url without padding
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(try fixture.scalar("SELECT count(*)::text FROM quorum.api_token WHERE encode(hash, 'escape') LIKE '%' || \(token) || '%'") == "0")
        // The stored hash is SHA-256 of the token, as PostgreSQL computes it too.
        #expect(try fixture.scalar("SELECT count(*)::text FROM quorum.api_token WHERE hash = sha256(convert_to(\(token), 'UTF8'))") == "1")
        #expect(TokenAuthenticator.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!TokenAuthenticator.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!TokenAuthenticator.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test func aDuplicateTokenNameIsRefused() throws {
        let fixture = try Self.fixture.get()
        let name = "twice-\(UInt32.random(in: 0...UInt32.max))"
        _ = try fixture.token(name)
        #expect(throws: APITokens.Problem.self) { try fixture.token(name) }
        #expect(throws: APITokens.Problem.self) { try fixture.token("no spaces") }
    }

    @Test func unknownRoutesAndServerErrorsAnswerJSONWithoutInternals() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            let missing = try await client.execute(uri: "/api/v1/nothing/here", method: .get)
            #expect(missing.status == .notFound)
            #expect(try missing.json()["status"] as? Int == 404)
        }
        // A database that is gone: the error is logged, the body says only that it is unreachable.
        try await fixture.applicationWithoutDatabase().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/sources", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(!response.text.contains("nonexistent") && !response.text.contains("SELECT"))
        }
    }
}
