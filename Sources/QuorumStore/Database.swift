import Foundation

/// Where Quorum's PostgreSQL is, resolved the way operators expect: an explicit
/// URL, else `DATABASE_URL`, else libpq's own `PG*` variables and service files,
/// else the embedded cluster in the data directory, started on demand.
public final class Database: Sendable {
    /// The libpq connection string: a URL or `key=value` pairs; empty means libpq's defaults.
    public let conninfo: String
    /// Where the database is, for logs: never the password.
    public let summary: String
    private let cluster: EmbeddedCluster?
    private let startedCluster: Bool

    /// The libpq variables whose presence means "the operator configured a server".
    static let libpqVariables = [
        "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE",
        "PGSERVICEFILE", "PGPASSFILE", "PGSSLMODE",
    ]

    private init(conninfo: String, summary: String, cluster: EmbeddedCluster? = nil, startedCluster: Bool = false) {
        self.conninfo = conninfo
        self.summary = summary
        self.cluster = cluster
        self.startedCluster = startedCluster
    }

    /// Finds the database, starting the embedded cluster when it is the one.
    public static func open(
        url: String?, dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Database {
        if let url = url ?? environment["DATABASE_URL"], !url.isEmpty {
            return Database(conninfo: url, summary: redacted(url))
        }
        if libpqVariables.contains(where: { environment[$0] != nil }) {
            return Database(conninfo: "", summary: "PostgreSQL from the PG* environment")
        }
        let cluster = EmbeddedCluster(dataDirectory: dataDirectory)
        let started = try await cluster.start()
        return Database(
            conninfo: cluster.conninfo, summary: "embedded PostgreSQL in \(cluster.directory.path)", cluster: cluster,
            startedCluster: started)
    }

    public func connect() throws -> Connection { try Connection(conninfo: conninfo) }

    /// Stops the embedded cluster if this process started it.
    public func close() async {
        if startedCluster { try? await cluster?.stop() }
    }

    /// Runs `body` and closes the database after it, however it ends.
    public func closing<T>(after body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }

    /// A URL or conninfo with any password replaced.
    static func redacted(_ conninfo: String) -> String {
        var text = conninfo
        // postgresql://user:secret@host → postgresql://user:***@host
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            let credentials = text[scheme.upperBound..<at]
            if let colon = credentials.firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        // password=secret in key=value form, and ?password=secret in URLs
        if let pattern = try? NSRegularExpression(pattern: "(password\\s*=\\s*)('[^']*'|[^\\s&]+)") {
            text = pattern.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text),
                withTemplate: "$1***")
        }
        return text
    }
}
