import Crypto
import Foundation
import QuorumModel
import Synchronization

/// Bearer tokens for the API, kept in `quorum.api_token` as SHA-256 hashes.
///
/// A token is 256 random bits in base64url, shown once when made. The hash is
/// taken here, in Swift, both when a token is made and when one is presented,
/// so the token itself never reaches the database, not even as a parameter.
public enum APITokens {
    public struct Info: Sendable, Equatable {
        public let name: String
        public let createdAt: String
        public let revokedAt: String?
    }

    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String

        static func taken(_ name: String) -> Problem {
            Problem(description: "a token named '\(name)' exists already; revoke it or choose another name")
        }
    }

    /// A new random token: 32 bytes from the system's secure generator, base64url without padding.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    /// Makes a token called `name` and returns it; only its hash is stored.
    public static func create(name: String, on connection: Connection) throws -> String {
        try check(name: name)
        let token = generate()
        do {
            try connection.execute("INSERT INTO quorum.api_token (name, hash) VALUES (\(name), decode(\(Hex.lowercase(hash(token))), 'hex'))")
        } catch let error as PQError where error.sqlState == "23505" {
            throw Problem.taken(name)
        }
        return token
    }

    static func check(name: String) throws(Problem) {
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw Problem(description: "a token name is letters, digits, '.', '_' and '-', starting with a letter or digit")
        }
    }

    public static func list(on connection: Connection) throws -> [Info] {
        try connection.query(
            """
            SELECT name, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM quorum.api_token ORDER BY name
            """
        ).map { row in
            Info(
                name: try row.require(String.self, at: 0), createdAt: try row.require(String.self, at: 1),
                revokedAt: try row.decode(String.self, at: 2))
        }
    }

    /// Revokes the token called `name`; false when there is none, or it was revoked already.
    @discardableResult
    public static func revoke(name: String, on connection: Connection) throws -> Bool {
        try connection.execute("UPDATE quorum.api_token SET revoked_at = now() WHERE name = \(name) AND revoked_at IS NULL") == 1
    }

    /// Hashes of every token, active and revoked.
    public static func hashes(on connection: Connection) throws -> (active: [[UInt8]], revoked: [[UInt8]]) {
        var active: [[UInt8]] = [], revoked: [[UInt8]] = []
        for row in try connection.query("SELECT encode(hash, 'hex'), revoked_at IS NOT NULL FROM quorum.api_token") {
            let hash = bytes(hex: try row.require(String.self, at: 0))
            if try row.require(Bool.self, at: 1) { revoked.append(hash) } else { active.append(hash) }
        }
        return (active, revoked)
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}

/// Where the hashes of the API's tokens are read from: the database
/// (`StoredTokens`), or memory (`InMemoryTokens`) where a test needs no more.
public protocol TokenHashes: Sendable {
    func hashes() async throws -> (active: [[UInt8]], revoked: [[UInt8]])
}

/// The hashes in `quorum.api_token`, read through a pool.
public struct StoredTokens: TokenHashes {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func hashes() async throws -> (active: [[UInt8]], revoked: [[UInt8]]) {
        try await pool.withConnection { try APITokens.hashes(on: $0) }
    }
}

/// Tokens kept in memory, made and revoked as `APITokens` does in the database.
public final class InMemoryTokens: TokenHashes {
    private let tokens = Mutex<[String: (hash: [UInt8], revoked: Bool)]>([:])

    public init() {}

    /// Makes a token called `name` and returns it; refused as `APITokens.create` refuses.
    public func create(name: String) throws(APITokens.Problem) -> String {
        try APITokens.check(name: name)
        let token = APITokens.generate()
        let added = tokens.withLock { tokens in
            guard tokens[name] == nil else { return false }
            tokens[name] = (APITokens.hash(token), false)
            return true
        }
        guard added else { throw .taken(name) }
        return token
    }

    @discardableResult
    public func revoke(name: String) -> Bool {
        tokens.withLock { tokens in
            guard let token = tokens[name], !token.revoked else { return false }
            tokens[name]?.revoked = true
            return true
        }
    }

    public func hashes() async throws -> (active: [[UInt8]], revoked: [[UInt8]]) {
        let all = tokens.withLock { Array($0.values) }
        return (all.filter { !$0.revoked }.map(\.hash), all.filter(\.revoked).map(\.hash))
    }
}
