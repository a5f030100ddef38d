import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: "PostgreSQL URL or conninfo (default: $DATABASE_URL, then libpq's PG* variables, then the embedded cluster).")
    var databaseURL: String?

    @Option(
        name: .customLong("data-dir"),
        help:
            "Quorum's data directory, home of the embedded cluster (default: $QUORUM_DATA_DIR, /var/lib/quorum as root, else ~/.local/share/quorum).")
    var dataDirectory: String?

    var resolvedDataDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let dataDirectory { return URL(fileURLWithPath: dataDirectory) }
        if let fromEnvironment = environment["QUORUM_DATA_DIR"] { return URL(fileURLWithPath: fromEnvironment) }
        if geteuid() == 0 { return URL(fileURLWithPath: "/var/lib/quorum") }
        let base = environment["XDG_DATA_HOME"] ?? ((environment["HOME"] ?? ".") + "/.local/share")
        return URL(fileURLWithPath: base).appendingPathComponent("quorum")
    }

    /// Opens the database, brings its schema up to date, runs `body`, and stops
    /// the embedded cluster again if this command started it.
    func withDatabase<T>(_ body: (Connection) throws -> T) async throws -> T {
        // A closed pipe (`quorum export | head`) must end the command through its
        // error path, which stops the embedded cluster, not kill it outright.
        signal(SIGPIPE, SIG_IGN)
        let database = try await Database.open(url: databaseURL, dataDirectory: resolvedDataDirectory)
        return try await database.closing {
            let connection = try database.connect()
            defer { connection.finish() }
            let applied = try Migrator().migrate(connection)
            if !applied.isEmpty {
                Terminal.say("applied migration\(applied.count > 1 ? "s" : "") \(applied.map(String.init).joined(separator: ", "))")
            }
            return try body(connection)
        }
    }
}
