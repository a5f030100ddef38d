import ArgumentParser
import Dispatch
import Foundation
import Logging
import QuorumDaemon
import QuorumServer
import QuorumStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: keep a current snapshot of the aggregates, on change and on schedule, and serve them over HTTP.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Configuration file (default: $QUORUM_CONFIG); see Deploy/quorum.example.toml.")
    var config: String?
    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?
    @Option(help: "Port to listen on (default 8080).")
    var port: Int?

    func loadConfiguration() throws -> QuorumDaemon.Configuration {
        var configuration = try QuorumDaemon.Configuration.load(file: config, environment: ProcessInfo.processInfo.environment)
        if let url = database.databaseURL { configuration.databaseURL = url }
        if let directory = database.dataDirectory { configuration.dataDirectory = directory }
        if let host { configuration.serverHost = host }
        if let port { configuration.serverPort = port }
        return configuration
    }

    func run() async throws {
        // Before any child process starts: they must not inherit systemd's socket.
        let notifier = SystemdNotifier()
        for variable in SystemdNotifier.environmentVariables { unsetenv(variable) }
        let configuration = try loadConfiguration()
        _ = try configuration.mail.settings(environment: ProcessInfo.processInfo.environment)
        let logLevel = LogLevel(Logger.Level(rawValue: configuration.logLevel) ?? .info)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace  // the shared threshold decides
            return LevelledLogHandler(base: handler, level: logLevel)
        }
        let logger = Logger(label: "quorum")
        QuorumMetrics.bootstrap()
        signal(SIGPIPE, SIG_IGN)
        // SIGHUP reloads the configuration (the daemon's HangUpService watches for it);
        // ignored, it no longer ends the process by default.
        signal(SIGHUP, SIG_IGN)

        // SIGTERM or SIGINT while starting (the embedded cluster, the migrations)
        // ends start-up at its next step, and what it started is stopped; once the
        // service group runs, it shuts the group down gracefully.
        let stop = StopRequest()
        SignalWatch.start([SIGTERM, SIGINT]) { stop.request() }
        let startUp = Task { try await self.startUp(configuration, notifier: notifier, logger: logger) }
        stop.cancelling { startUp.cancel() }
        let (store, daemon): (Database, Daemon)
        do {
            (store, daemon) = try await startUp.value
        } catch  where startUp.isCancelled {
            // Whatever the step threw on its way out (a sleep, a cancelled statement).
            logger.notice("stopped while starting")
            return
        }
        try await store.closing {
            defer { daemon.close() }
            let group = daemon.serviceGroup(logger: logger, until: { await stop.requested() }) {
                do {
                    let reloaded = try loadConfiguration()
                    logLevel.current = Logger.Level(rawValue: reloaded.logLevel) ?? .info
                    return reloaded
                } catch {
                    logger.error("the reloaded configuration is invalid; keeping the running one", metadata: ["error": "\(error)"])
                    return nil
                }
            }
            try await group.run()
        }
        logger.notice("stopped")
    }

    /// The database found (the embedded cluster started if it is the one) and its
    /// schema brought up to date; on failure or cancellation, stopped again.
    private func startUp(
        _ configuration: QuorumDaemon.Configuration, notifier: SystemdNotifier,
        logger: Logger
    ) async throws -> (Database, Daemon) {
        let dataDirectory = configuration.dataDirectory.map { URL(fileURLWithPath: $0) } ?? database.resolvedDataDirectory
        let store = try await Database.open(url: configuration.databaseURL, dataDirectory: dataDirectory)
        logger.notice("starting", metadata: ["database": "\(store.summary)", "version": "\(QuorumVersion.current)"])
        var daemon: Daemon?
        do {
            try Task.checkCancellation()
            let started = Daemon(
                conninfo: store.conninfo, configuration: configuration, logger: logger,
                dataDirectory: dataDirectory, notifier: notifier)
            daemon = started
            _ = try? started.site.reload()
            notifier.status("bringing the database schema up to date")
            try await started.migrate(logger: logger, giveUpAfter: .milliseconds(configuration.databaseStartTimeoutMilliseconds))
            try Task.checkCancellation()
            notifier.status("loading the latest snapshot")
            return (store, started)
        } catch {
            daemon?.close()
            await store.close()
            throw error
        }
    }
}
