import ArgumentParser
import Foundation
import Logging
import QuorumDaemon
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
        let notifier = SystemdNotifier.takenFromEnvironment()
        let configuration: QuorumDaemon.Configuration
        do {
            configuration = try loadConfiguration()
            _ = try configuration.mail.settings(environment: ProcessInfo.processInfo.environment)
        } catch let error as QuorumDaemon.Configuration.Invalid {
            Terminal.say(error.description)
            throw ExitCode(78)  // EX_CONFIG
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "quorum")
        signal(SIGPIPE, SIG_IGN)

        let dataDirectory = configuration.dataDirectory.map { URL(fileURLWithPath: $0) } ?? database.resolvedDataDirectory
        let store = try Database(url: configuration.databaseURL, dataDirectory: dataDirectory)
        defer { store.close() }
        logger.notice("starting", metadata: ["database": "\(store.summary)", "version": "\(QuorumVersion.current)"])

        let daemon = Daemon(conninfo: store.conninfo, configuration: configuration, logger: logger,
                            dataDirectory: dataDirectory, notifier: notifier)
        try? daemon.site.reload()
        defer { daemon.pool.close() }
        daemon.notifier.status("bringing the database schema up to date")
        try await daemon.migrate(logger: logger)
        daemon.notifier.status("loading the latest snapshot")
        let group = daemon.serviceGroup(logger: logger) {
            do { return try loadConfiguration() } catch {
                logger.error("the reloaded configuration is invalid; keeping the running one", metadata: ["error": "\(error)"])
                return nil
            }
        }
        try await group.run()
        logger.notice("stopped")
    }
}
