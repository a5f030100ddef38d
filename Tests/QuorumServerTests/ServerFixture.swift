import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import QuorumAggregates
import QuorumModel
import QuorumServer
import QuorumStore
import QuorumTestSupport

/// A database of the test's own with the demo data and one snapshot in the
/// cache, and the server's router over them.
struct ServerFixture {
    let conninfo: String
    let pool: ConnectionPool
    let cache: SnapshotCache
    let site: SiteFiles
    let snapshot: Snapshot

    init(seeded: Bool = true, site: SiteFiles = SiteFiles(root: nil)) throws {
        // As `quorum serve` does first: the metrics the server makes are then collected.
        QuorumMetrics.bootstrap()
        conninfo = try TestDatabase.fresh()
        let connection = try Connection(conninfo: conninfo)
        defer { connection.finish() }
        if seeded { _ = try DatasetImporter(connection).run(try DemoData.dataset(), file: "demo") }
        snapshot = try Aggregator().run(connection)
        cache = SnapshotCache()
        cache.offer(snapshot)
        pool = ConnectionPool(conninfo: conninfo, maxConnections: 2)
        self.site = site
    }

    func application(cache: SnapshotCache? = nil, _ configure: (inout ServerSettings) -> Void = { _ in }) -> some ApplicationProtocol {
        var settings = ServerSettings()
        // A ping answered in a second in service can take longer with the whole suite on two cores.
        settings.readinessDeadline = .seconds(15)
        configure(&settings)
        return buildApplication(
            ServerDependencies(pool: pool, cache: cache ?? self.cache, site: site), settings: settings,
            logger: Logger(label: "test"))
    }

    /// The same server over a database that cannot be reached.
    func applicationWithoutDatabase() -> some ApplicationProtocol {
        let unreachable = ConnectionPool(conninfo: "host=/nonexistent dbname=quorum connect_timeout=1", maxConnections: 1)
        return buildApplication(
            ServerDependencies(pool: unreachable, cache: cache, site: site),
            settings: ServerSettings(), logger: Logger(label: "test"))
    }

    /// Runs a statement and returns the first column of the first row.
    func scalar(_ sql: SQL) throws -> String? {
        let connection = try Connection(conninfo: conninfo)
        defer { connection.finish() }
        return try connection.query(sql).first?.decode(String.self, at: 0)
    }

    func token(_ name: String) throws -> String {
        let connection = try Connection(conninfo: conninfo)
        defer { connection.finish() }
        return try APITokens.create(name: name, on: connection)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
    }
}

extension TestClientProtocol {
    /// `/readyz`, asked again while it says "unanswered" (kept for two seconds), up to
    /// five times: on a loaded machine the probe's first connection can take longer
    /// than its one-second deadline. A probe that waits on something else stays
    /// unanswered throughout.
    func readiness() async throws -> TestResponse {
        var ready = try await execute(uri: "/readyz", method: .get, headers: [:], body: nil)
        for _ in 0..<5 where try ready.status != .ok && ready.json()["database"] as? String == "unanswered" {
            try await Task.sleep(for: .seconds(2))
            ready = try await execute(uri: "/readyz", method: .get, headers: [:], body: nil)
        }
        return ready
    }
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// One event of the demo organisation in the dataset format, unique by its title.
func eventJSON(title: String, date: String = "2025-03", participants: Int = 42, qualifier: String = "exact") -> String {
    """
    {"organisation": "CICA", "body": "business-council", "title": "\(title)", "date": "\(date)", "format": "online",
     "source": "cica-2020-2024", "locator": "p. 1",
     "figures": [{"measure": "participants", "value": \(participants), "qualifier": "\(qualifier)",
                  "scope": "all", "source": "cica-2020-2024", "locator": "p. 1"}]}
    """
}
