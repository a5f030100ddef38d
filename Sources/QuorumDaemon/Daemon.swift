import Dispatch
import Foundation
import Logging
import QuorumAggregates
import QuorumMail
import QuorumStore
import ServiceLifecycle

/// `quorum serve`: the services in dependency order — leader election, then
/// aggregation (the HTTP server joins here) — in one ServiceGroup, shut down
/// gracefully in reverse on SIGTERM or SIGINT. SIGHUP reloads the configuration.
public struct Daemon: Sendable {
    public let pool: ConnectionPool
    public let election: LeaderElection
    public let aggregation: AggregationService
    public let cache: SnapshotCache
    /// Report e-mails, when reports are configured.
    public let mailer: MailerService?

    public init(conninfo: String, configuration: Configuration, logger: Logger, siteDirectory: URL? = nil) {
        pool = ConnectionPool(conninfo: conninfo, maxConnections: 4)
        election = LeaderElection(conninfo: conninfo,
                                  heartbeat: .milliseconds(configuration.leaderHeartbeatMilliseconds), logger: logger)
        cache = SnapshotCache()
        aggregation = AggregationService(pool: pool, conninfo: conninfo, election: election, cache: cache,
                                         configuration: configuration, logger: logger)
        // `quorum serve` checks the mail settings (the password file) before it gets here.
        if configuration.mail.reports.isEmpty {
            mailer = nil
        } else if let settings = try? configuration.mail.settings(environment: ProcessInfo.processInfo.environment) {
            mailer = MailerService(mailer: Mailer(pool: pool, reports: configuration.mail.reports, settings: settings,
                                                  siteDirectory: siteDirectory, logger: logger),
                                   election: election, cache: cache)
        } else {
            logger.error("report mail is off: the mail settings cannot be read")
            mailer = nil
        }
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
        let hangUp = HangUpService(logger: logger) { [aggregation, mailer] in
            guard let configuration = reload() else { return }
            aggregation.reconfigure(configuration)
            if let mailer, let settings = try? configuration.mail.settings(environment: ProcessInfo.processInfo.environment) {
                mailer.mailer.reconfigure(reports: configuration.mail.reports, settings: settings)
            }
        }
        let mail: [ServiceGroupConfiguration.ServiceConfiguration] = mailer.map { [.init(service: $0)] } ?? []
        return ServiceGroup(configuration: .init(
            services: [.init(service: election), .init(service: aggregation)] + mail + [.init(service: hangUp)],
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
