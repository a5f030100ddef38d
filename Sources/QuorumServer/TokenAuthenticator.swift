import Foundation
import Hummingbird
import Logging
import QuorumStore
import ServiceLifecycle
import Synchronization

/// Checks bearer tokens against the hashes in memory, so authentication is not
/// a query per request. The hashes are reloaded on an interval, and sooner when
/// an unknown token is presented (a token made a moment ago works at once),
/// at most once a second.
public final class TokenAuthenticator: Sendable {
    public enum Verdict: Equatable, Sendable { case valid, missing, unknown, revoked }

    private struct Hashes {
        var active: [[UInt8]] = []
        var revoked: [[UInt8]] = []
        var loadedAt: ContinuousClock.Instant?
    }

    private let source: any TokenHashes
    private let hashes = Mutex(Hashes())
    private let clock = ContinuousClock()

    public init(_ source: any TokenHashes) {
        self.source = source
    }

    public func refresh() async throws {
        let (active, revoked) = try await source.hashes()
        let now = clock.now
        hashes.withLock { $0 = Hashes(active: active, revoked: revoked, loadedAt: now) }
    }

    /// The verdict on an `Authorization` header value.
    public func verify(authorization: String?) async -> Verdict {
        guard let authorization, authorization.count > 7,
            authorization.prefix(7).lowercased() == "bearer "
        else { return .missing }
        let presented = APITokens.hash(String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        let verdict = check(presented)
        guard verdict == .unknown else { return verdict }
        let stale = hashes.withLock { held in held.loadedAt.map { clock.now - $0 > .seconds(1) } ?? true }
        guard stale else { return verdict }
        do { try await refresh() } catch { return verdict }
        return check(presented)
    }

    private func check(_ presented: [UInt8]) -> Verdict {
        let (active, revoked) = hashes.withLock { ($0.active, $0.revoked) }
        // Every stored hash is compared in full, so the time taken says nothing of which one matched or how far.
        var valid = false, wasRevoked = false
        for hash in active { valid = Self.constantTimeEqual(hash, presented) || valid }
        for hash in revoked { wasRevoked = Self.constantTimeEqual(hash, presented) || wasRevoked }
        return valid ? .valid : wasRevoked ? .revoked : .unknown
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

/// Writes always need a valid bearer token; reads only when configured so.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: TokenAuthenticator
    let readTokenRequired: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let isRead = request.method == .get || request.method == .head
        if isRead && !readTokenRequired { return try await next(request, context) }
        switch await authenticator.verify(authorization: request.headers[.authorization]) {
        case .valid:
            return try await next(request, context)
        case .missing:
            throw Self.unauthorized("a bearer token is required (Authorization: Bearer TOKEN; make one with `quorum token create NAME`)")
        case .unknown:
            throw Self.unauthorized("the bearer token is not valid")
        case .revoked:
            throw APIError(.forbidden, "the bearer token has been revoked")
        }
    }

    static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, message)
        error.headers[.wwwAuthenticate] = #"Bearer realm="quorum""#
        return error
    }
}
