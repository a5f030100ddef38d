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

    public init(url: String?, dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let url = url ?? environment["DATABASE_URL"], !url.isEmpty {
            conninfo = url
            summary = Database.redacted(url)
            cluster = nil
            startedCluster = false
        } else if Database.libpqVariables.contains(where: { environment[$0] != nil }) {
            conninfo = ""
            summary = "PostgreSQL from the PG* environment"
            cluster = nil
            startedCluster = false
        } else {
            let cluster = EmbeddedCluster(dataDirectory: dataDirectory)
            startedCluster = try cluster.start()
            conninfo = cluster.conninfo
            summary = "embedded PostgreSQL in \(cluster.directory.path)"
            self.cluster = cluster
        }
    }

    public func connect() throws -> Connection { try Connection(conninfo: conninfo) }

    /// Stops the embedded cluster if this process started it.
    public func close() {
        if startedCluster { try? cluster?.stop() }
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
