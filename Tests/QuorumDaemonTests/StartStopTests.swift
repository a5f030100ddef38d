import Foundation
import Glibc
import QuorumStore
import QuorumTestSupport
import Testing

/// `quorum ARGUMENTS` with a data directory of its own and none of the test
/// run's QUORUM_*, PG* or DATABASE_URL variables; its output goes to `serve.log` there.
struct QuorumProcess {
    let process: Process
    let directory: URL
    var log: String { (try? String(contentsOf: directory.appendingPathComponent("serve.log"), encoding: .utf8)) ?? "" }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-start-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("serve.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw POSIXError(.EACCES) }
        process = Process()
        process.executableURL = try quorumExecutable()
        process.arguments = arguments + ["--data-dir", directory.path]
        var variables = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("QUORUM_") && !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL"
        }
        variables.merge(environment) { $1 }
        process.environment = variables
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Ends the process if it still runs, and stops an embedded cluster it left.
    func finish() async {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = try? await waitForExit(process)
        // A cluster killed mid-start may come up a moment later: stop it then too.
        let cluster = EmbeddedCluster(dataDirectory: directory)
        try? await cluster.stop()
        if FileManager.default.fileExists(atPath: cluster.directory.path) {
            try? await Task.sleep(for: .seconds(1))
            try? await cluster.stop()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with `quorum ARGUMENTS` started as `QuorumProcess` does, and finishes it afterwards.
func withQuorum(_ arguments: [String], environment: [String: String] = [:], _ body: (QuorumProcess) async throws -> Void) async throws {
    let run = try QuorumProcess(arguments, environment: environment)
    do {
        try await body(run)
    } catch {
        await run.finish()
        throw error
    }
    await run.finish()
}

/// `quorum serve` started in the ways start-up goes wrong: it exits promptly,
/// with a clear message and the status the README gives, and leaves nothing running.
@Suite(.testDatabases) struct StartStopTests {
    @Test func aTakenPortEndsTheProcessWithAClearMessage() async throws {
        let (taken, port) = try loopbackSocket(listening: true)
        defer { close(taken) }
        try await withQuorum(["serve", "--database-url", try TestDatabase.fresh(), "--port", String(port)]) { run async throws in
            #expect(try await waitForExit(run.process, timeout: .seconds(20)), "still running; it said: \(run.log)")
            #expect(run.process.terminationStatus != 0)
            #expect(run.log.contains("Address already in use"), "\(run.log)")
        }
    }

    @Test func anUnreachableDatabaseEndsStartUpWithStatus69() async throws {
        try await withQuorum(
            ["serve", "--database-url", "host=/nonexistent dbname=quorum connect_timeout=1", "--port", String(try freePort())],
            environment: ["QUORUM_DATABASE_START_TIMEOUT_MS": "1500"]
        ) { run async throws in
            #expect(try await waitForExit(run.process, timeout: .seconds(20)), "still running; it said: \(run.log)")
            #expect(run.process.terminationStatus == 69, "\(run.log)")
            #expect(run.log.contains("the database is unavailable"), "\(run.log)")
        }
    }

    @Test func aBadConfigurationEndsStartUpWithStatus78() async throws {
        try await withQuorum(
            ["serve", "--port", String(try freePort())],
            environment: ["QUORUM_LOG_LEVEL": "info\nforged line", "QUORUM_SERVER_PORT": "http"]
        ) { run async throws in
            #expect(try await waitForExit(run.process, timeout: .seconds(20)))
            #expect(run.process.terminationStatus == 78, "\(run.log)")
            #expect(run.log.contains("log.level contains the control character U+000A"), "\(run.log)")
            #expect(run.log.contains("server.port must be a whole number"), "\(run.log)")
            #expect(!run.log.contains("forged"))
        }
    }

    /// SIGTERM at moments of start-up (the cluster being made and started, the
    /// migrations, the services starting): the process ends, and so does the
    /// embedded PostgreSQL it started.
    @Test(arguments: [150, 600, 1500])
    func aSIGTERMWhileStartingLeavesNothingRunning(afterMilliseconds delay: Int) async throws {
        try await withQuorum(["serve", "--port", String(try freePort())]) { run async throws in
            try await Task.sleep(for: .milliseconds(delay))
            kill(run.process.processIdentifier, SIGTERM)
            #expect(try await waitForExit(run.process, timeout: .seconds(30)), "still running; it said: \(run.log)")
            #expect(await EmbeddedCluster(dataDirectory: run.directory).isRunning() == false, "the embedded cluster still runs; \(run.log)")
        }
    }
}
