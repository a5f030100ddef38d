import Dispatch
import Foundation
import Logging
import QuorumAggregates
import QuorumMail
import QuorumServer
import QuorumStore
import ServiceLifecycle
import Synchronization

/// `quorum serve`: the services in dependency order — leader election,
/// aggregation, rendering, the HTTP server — in one ServiceGroup, shut down
/// gracefully in reverse when told to stop (the executable's SIGTERM or SIGINT).
/// SIGHUP reloads the configuration.
public struct Daemon: Sendable {
    /// The HTTP API's connections.
    public let requestPool: ConnectionPool
    /// Aggregation's, mail's and the migrations' connections: a budget apart from requests'.
    public let backgroundPool: ConnectionPool
    public let election: LeaderElection
    public let aggregation: AggregationService
    public let cache: SnapshotCache
    public let render: RenderService
    let dataDirectory: URL
    /// The published site, in memory, as the HTTP server serves it.
    public let site: SiteFiles
    public let server: ServerSettings
    /// systemd's notify socket (READY=1, STOPPING=1, WATCHDOG=1); silent outside systemd.
    public let notifier: SystemdNotifier
    /// When READY=1 is sent: once a snapshot is held and the HTTP server listens.
    public let readiness: Readiness
    /// Report e-mails, when reports are configured.
    public let mailer: MailerService?
    /// The configuration the daemon started with, to tell a reload what it cannot change.
    let configuration: Configuration

    /// `dataDirectory` holds the published site unless `render.site_dir` says otherwise
    /// (without either, a directory under the system's temporary directory).
    public init(
        conninfo: String, configuration: Configuration, logger: Logger, dataDirectory: URL? = nil,
        notifier: SystemdNotifier = SystemdNotifier()
    ) {
        self.configuration = configuration
        requestPool = ConnectionPool(conninfo: conninfo, maxConnections: configuration.databaseRequestConnections)
        backgroundPool = ConnectionPool(conninfo: conninfo, maxConnections: configuration.databaseBackgroundConnections)
        election = LeaderElection(
            conninfo: conninfo,
            heartbeat: .milliseconds(configuration.leaderHeartbeatMilliseconds), logger: logger)
        cache = SnapshotCache()
        self.notifier = notifier
        readiness = Readiness(notifier: notifier, waitingFor: [.snapshot, .listening])
        let dataDirectory =
            dataDirectory ?? configuration.dataDirectory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("quorum-\(getpid())")
        self.dataDirectory = dataDirectory
        let site = SiteFiles(root: RenderService.siteRoot(configuration, dataDirectory: dataDirectory))
        self.site = site
        server = ServerSettings(configuration, siteDirectory: site.root)
        // Each publish is served at once (the server also looks for one every two seconds).
        let render = RenderService(cache: cache, configuration: configuration, dataDirectory: dataDirectory, logger: logger) {
            do { try site.reload() } catch { logger.error("cannot read the published site", metadata: ["error": "\(error)"]) }
        }
        self.render = render
        // Charts with their own SQL are computed by the aggregation run, in the same read as the rest.
        aggregation = AggregationService(
            pool: backgroundPool, conninfo: conninfo, election: election, cache: cache,
            configuration: configuration, logger: logger,
            chartQueries: { render.chartQueries })
        // `quorum serve` checks the mail settings (the password file) before it gets here.
        if configuration.mail.reports.isEmpty {
            mailer = nil
        } else if let settings = try? configuration.mail.settings(environment: ProcessInfo.processInfo.environment) {
            mailer = MailerService(
                mailer: Mailer(
                    pool: backgroundPool, reports: configuration.mail.reports, settings: settings,
                    charts: RenderService.charts(configuration), siteDirectory: site.root,
                    logger: logger),
                election: election, cache: cache)
        } else {
            logger.error("report mail is off: the mail settings cannot be read")
            mailer = nil
        }
    }

    /// Brings the schema up to date, retrying with backoff while the database is
    /// down, for at most `giveUpAfter`: then the last connection error is thrown.
    public func migrate(logger: Logger, giveUpAfter: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + giveUpAfter
        var attempt = 0
        while true {
            do {
                let applied = try await backgroundPool.withConnection { try Migrator().migrate($0) }
                if !applied.isEmpty { logger.notice("applied migrations", metadata: ["versions": "\(applied)"]) }
                return
            } catch let error as PQError where error.isConnectionFailure {
                attempt += 1
                let pause = Duration.milliseconds(min(5000, 250 * (1 << min(attempt, 5))))
                guard ContinuousClock.now + pause < deadline else { throw error }
                if attempt == 1 || attempt % 10 == 0 {
                    logger.warning("database unreachable; retrying", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: pause)
            }
        }
    }

    /// Closes both pools (their leased connections close as they come back).
    public func close() {
        requestPool.close()
        backgroundPool.close()
    }

    /// The services, in the order they start; they stop in reverse when `stop`
    /// returns (the executable's SIGTERM or SIGINT) or the group is shut down.
    public func serviceGroup(
        logger: Logger, until stop: (@Sendable () async -> Void)? = nil,
        reload: @escaping @Sendable () -> Configuration?
    ) -> ServiceGroup {
        let running = Mutex(self.configuration)
        let hangUp = HangUpService(logger: logger) { [aggregation, render, mailer, notifier, readiness] in
            // Before the first READY=1 systemd is still starting the unit: no reload to report.
            let ready = readiness.isReady
            if ready { notifier.reloading() }
            if let configuration = reload() {
                let waiting = running.withLock { $0.keysNeedingRestart(toApply: configuration) }
                if !waiting.isEmpty {
                    logger.warning(
                        "changed settings that take effect at the next restart; the running values stay",
                        metadata: ["keys": "\(waiting.joined(separator: ", "))"])
                }
                running.withLock { $0 = configuration }
                // Charts first: the aggregation run that follows takes their queries.
                render.reload(configuration)
                aggregation.reconfigure(configuration)
                if let mailer, let settings = try? configuration.mail.settings(environment: ProcessInfo.processInfo.environment) {
                    mailer.mailer.reconfigure(
                        reports: configuration.mail.reports, settings: settings,
                        charts: RenderService.charts(configuration))
                }
            }
            if ready { notifier.ready(status: "configuration reloaded") }
        }
        let http = buildApplication(
            ServerDependencies(pool: requestPool, cache: cache, site: site, releaseFreedMemory: FreedMemory.release),
            settings: server,
            logger: logger
        ) { [readiness] in readiness.met(.listening) }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: election), .init(service: aggregation), .init(service: render),
        ]
        if let mailer { services.append(.init(service: mailer)) }
        services += [.init(service: http), .init(service: hangUp)]
        if let interval = notifier.watchdogInterval {
            services.append(.init(service: SystemdWatchdogService(notifier: notifier, interval: interval)))
        }
        // When `stop` returns, the group shuts down gracefully.
        if let stop { services.append(.init(service: StopService(stop: stop), successTerminationBehavior: .gracefullyShutdownGroup)) }
        // Last, so that it is the first to hear of a graceful shutdown.
        services.append(.init(service: SystemdStatusService(notifier: notifier, readiness: readiness, cache: cache, election: election)))
        return ServiceGroup(configuration: .init(services: services, logger: logger))
    }
}

/// Returns when `stop` does (the executable's SIGTERM or SIGINT), or on a graceful shutdown.
struct StopService: Service {
    let stop: @Sendable () async -> Void

    func run() async throws {
        try await cancelOnGracefulShutdown { await stop() }
    }
}

/// Calls `reload` on every SIGHUP until shutdown. The executable sets SIGHUP's
/// disposition to ignore (its default ends the process); this watches for it.
struct HangUpService: Service {
    let logger: Logger
    let reload: @Sendable () -> Void

    func run() async throws {
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

extension ServerSettings {
    /// The HTTP server's part of the configuration, with the published site under `siteDirectory`.
    init(_ configuration: Configuration, siteDirectory: URL?) {
        self.init()
        host = configuration.serverHost
        port = configuration.serverPort
        readTokenRequired = configuration.serverReadTokenRequired
        maxBodyBytes = configuration.serverMaxBodyBytes
        requestTimeout = .milliseconds(configuration.serverRequestTimeoutMilliseconds)
        self.siteDirectory = siteDirectory
    }
}
