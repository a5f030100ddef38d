import Foundation

/// What the HTTP server needs to know from the configuration.
public struct ServerSettings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Reads need a token too, not only writes.
    public var readTokenRequired = false
    /// Larger request bodies are refused with 413, before or while they are read.
    public var maxBodyBytes = 1024 * 1024
    /// A request whose handler takes longer is answered with 503.
    public var requestTimeout: Duration = .seconds(30)
    /// How long `/readyz` waits for the database to answer a ping before it says
    /// the database is `unanswered` (and the server not ready).
    public var readinessDeadline: Duration = .seconds(1)
    /// How often the token hashes held in memory are reloaded: how soon a revocation takes effect.
    public var tokenRefreshInterval: Duration = .seconds(5)
    /// The site root: `<siteDirectory>/current` is the published tree served at `/`.
    public var siteDirectory: URL?

    public init() {}
}
