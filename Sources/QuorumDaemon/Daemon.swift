import Dispatch
import Foundation
import Logging
import QuorumAggregates
import QuorumServer
import QuorumStore
import ServiceLifecycle

/// `quorum serve`: the services in dependency order — leader election, then
/// aggregation, the HTTP server — in one ServiceGroup, shut down
/// gracefully in reverse on SIGTERM or SIGINT. SIGHUP reloads the configuration.
public struct Daemon: Sendable {
    public let pool: ConnectionPool
    public let election: LeaderElection
    public let aggregation: AggregationService
    public let cache: SnapshotCache
    public let site: SiteFiles
    public let server: ServerSettings

    /// `siteDirectory` holds the published site (`current`, `releases/`) that the HTTP server serves.
    public init(conninfo: String, configuration: Configuration, siteDirectory: URL? = nil, logger: Logger) {
        pool = ConnectionPool(conninfo: conninfo, maxConnections: 4)
        election = LeaderElection(conninfo: conninfo,
                                  heartbeat: .milliseconds(configuration.leaderHeartbeatMilliseconds), logger: logger)
        cache = SnapshotCache()
        aggregation = AggregationService(pool: pool, conninfo: conninfo, election: election, cache: cache,
                                         configuration: configuration, logger: logger)
        server = configuration.serverSettings(siteDirectory: siteDirectory)
        site = SiteFiles(root: siteDirectory)
    }

    /// Brings the schema up to date, retrying with backoff while the database is down.
    public func migrate(logger: Logger) async throws {
        var attempt = 0
        while true {
            do {
                let applied = try await pool.withConnection { try Migrator().migrate($0) }
                if !applied.isEmpty { logger.notice("applied migrations", metadata: ["versions": "\(applied)"]) }
                return
            } catch let error as PQError where error.isConnectionFailure {
                attempt += 1
                if attempt == 1 || attempt % 10 == 0 {
                    logger.warning("database unreachable; retrying", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .milliseconds(min(5000, 250 * (1 << min(attempt, 5)))))
            }
        }
    }

    public func serviceGroup(logger: Logger, reload: @escaping @Sendable () -> Configuration?) -> ServiceGroup {
        let hangUp = HangUpService(logger: logger) { [aggregation] in
            if let configuration = reload() { aggregation.reconfigure(configuration) }
        }
        let http = buildApplication(ServerDependencies(pool: pool, cache: cache, site: site), settings: server, logger: logger)
        return ServiceGroup(configuration: .init(
            services: [.init(service: election), .init(service: aggregation), .init(service: http), .init(service: hangUp)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
    }
}

/// Calls `reload` on every SIGHUP until shutdown.
struct HangUpService: Service {
    let logger: Logger
    let reload: @Sendable () -> Void

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let (hangUps, continuation) = AsyncStream<Void>.makeStream()
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer { source.cancel() }
        for await _ in hangUps.cancelOnGracefulShutdown() {
            logger.notice("SIGHUP: reloading the configuration")
            reload()
        }
    }
}
