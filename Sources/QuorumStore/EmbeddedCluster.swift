import Foundation

/// A private PostgreSQL cluster inside Quorum's data directory, so that a first
/// run needs no setup: initdb on first use, the server on a Unix socket in the
/// cluster directory (no TCP port), stopped by whoever started it.
///
/// PostgreSQL refuses to run as root; as root the cluster belongs to, and the
/// server runs as, an unprivileged user (`postgres` when it exists, else `nobody`).
public struct EmbeddedCluster: Sendable {
    public let directory: URL
    public let database = "quorum"
    public let role = "quorum"

    public init(dataDirectory: URL) {
        directory = dataDirectory.appendingPathComponent("postgres", isDirectory: true)
    }

    /// libpq connection string for the cluster's socket.
    public var conninfo: String {
        "host='\(escaped(directory.path))' dbname=\(database) user=\(role)"
    }

    /// Whether a server is running on this cluster now.
    public func isRunning() async -> Bool {
        (try? await run(pgCtl, ["status", "-D", directory.path], quiet: true)) != nil
    }

    /// Starts the server unless it runs already (initialising the cluster the
    /// first time) and returns whether this call started it: the caller that
    /// started it stops it.
    ///
    /// Cancellation does not cut it short: a server half started would outlive
    /// the call. The caller checks for cancellation afterwards, and stops it.
    public func start() async throws -> Bool {
        try await Task { try await startToTheEnd() }.value
    }

    private func startToTheEnd() async throws -> Bool {
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("PG_VERSION").path) {
            try await initialise()
        }
        if await isRunning() { return false }
        let socket = directory.appendingPathComponent(".s.PGSQL.5432").path
        guard socket.utf8.count < 108 else {
            throw PQError.embedded("the data directory path is too long for a Unix socket (\(socket)); choose a shorter --data-dir")
        }
        do {
            try await run(
                pgCtl,
                [
                    "start", "-D", directory.path, "-w", "-t", "60", "-s",
                    "-l", directory.appendingPathComponent("server.log").path,
                ])
        } catch {
            throw PQError.embedded("the embedded PostgreSQL did not start: \(error)\n\(logTail())")
        }
        try createDatabaseIfMissing()
        return true
    }

    /// Stops the server (fast shutdown: sessions are ended, nothing committed is
    /// lost), whether or not the calling task is cancelled.
    public func stop() async throws {
        try await Task {
            guard await isRunning() else { return }
            try await run(pgCtl, ["stop", "-D", directory.path, "-m", "fast", "-w", "-s"])
        }.value
    }

    // MARK: Setup

    private func initialise() async throws {
        let manager = FileManager.default
        // A half-made cluster (an initdb killed midway) is started over.
        if manager.fileExists(atPath: directory.path) {
            try manager.removeItem(at: directory)
        }
        // The data directory stays traversable: as root, the server's user must reach the cluster in it.
        try manager.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.createDirectory(
            at: directory, withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o700])
        if let user = serverUser {
            try await run("/bin/chown", ["\(user):", directory.path], asServerUser: false)
        }
        let staging = directory.path
        do {
            try await run(
                binary("initdb"),
                [
                    "-D", staging, "-U", role, "--auth=trust", "-E", "UTF8",
                    "--locale=C", "--no-instructions", "-N",
                ])
        } catch {
            try? manager.removeItem(at: directory)
            throw PQError.embedded("initdb failed: \(error)")
        }
        // Only this socket, only this user: no TCP, nothing reachable from outside.
        let settings = """

            # Quorum's embedded cluster
            listen_addresses = ''
            unix_socket_directories = '\(escaped(directory.path))'
            unix_socket_permissions = 0700
            """
        let conf = directory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }

    private func createDatabaseIfMissing() throws {
        let connection = try Connection(conninfo: "host='\(escaped(directory.path))' dbname=postgres user=\(role)")
        defer { connection.finish() }
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = \(database)")
        if exists.isEmpty { try connection.executeScript("CREATE DATABASE \(database)") }
    }

    // MARK: Processes

    /// The unprivileged user the server runs as when Quorum runs as root.
    private var serverUser: String? {
        guard geteuid() == 0 else { return nil }
        return getpwnam("postgres") != nil ? "postgres" : "nobody"
    }

    private var pgCtl: String { binary("pg_ctl") }

    /// The PostgreSQL program `name`: from QUORUM_PG_BINDIR, the newest Debian
    /// installation under /usr/lib/postgresql, or the PATH.
    private func binary(_ name: String) -> String {
        let manager = FileManager.default
        if let dir = ProcessInfo.processInfo.environment["QUORUM_PG_BINDIR"] {
            return dir + "/" + name
        }
        let debian = "/usr/lib/postgresql"
        if let versions = try? manager.contentsOfDirectory(atPath: debian) {
            let newest = versions.compactMap(Int.init).sorted().reversed()
                .map { "\(debian)/\($0)/bin/\(name)" }
                .first { manager.isExecutableFile(atPath: $0) }
            if let newest { return newest }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return name
    }

    /// Runs `program` in `/`, a working directory the unprivileged server user can always enter.
    @discardableResult
    private func run(
        _ program: String, _ arguments: [String], quiet: Bool = false,
        asServerUser: Bool = true
    ) async throws -> String {
        var command = (program, arguments)
        if asServerUser, let user = serverUser {
            command = ("/usr/sbin/runuser", ["-u", user, "--", program] + arguments)
        }
        let outcome = try await ChildProcess.run(command.0, command.1, workingDirectory: "/")
        guard outcome.status == 0 else {
            if quiet { throw PQError.embedded("exit \(outcome.status)") }
            let name = (program as NSString).lastPathComponent
            throw PQError.embedded(
                "\(name) exited with status \(outcome.status): "
                    + outcome.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return outcome.output
    }

    private func logTail() -> String {
        let log = directory.appendingPathComponent("server.log")
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }

    private func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }
}
