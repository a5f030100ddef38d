import Foundation
import Glibc
import QuorumTestSupport
import Testing

@testable import QuorumDaemon

/// A Unix datagram socket that plays systemd's part: it receives what the
/// daemon sends to `$NOTIFY_SOCKET`.
final class NotifySocket {
    let address: String
    private let descriptor: Int32
    private let path: String?
    private(set) var received: [String] = []

    /// Binds to a path in a new temporary directory, or to an abstract name.
    init(abstract: Bool) throws {
        let name = "quorum-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if abstract {
            address = "@" + name
            path = nil
        } else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            path = directory + "/notify"
            address = path!
        }
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0, let (address, length) = SystemdNotifier.address(address) else {
            throw POSIXError(.EINVAL)
        }
        var storage = address
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    deinit {
        close(descriptor)
        if let path { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    }

    /// Waits for a datagram with a line equal to `line`, keeping all it receives.
    func waitFor(_ line: String, timeout: Duration = .seconds(30)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if received.contains(where: { $0.split(separator: "\n").contains(Substring(line)) }) { return true }
            var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&watched, 1, 200) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 { received.append(String(decoding: buffer[..<count], as: UTF8.self)) }
        }
        return received.contains(where: { $0.split(separator: "\n").contains(Substring(line)) })
    }
}

/// The `quorum` executable built next to this test bundle.
func quorumExecutable() throws -> URL {
    let bundleDirectory = Bundle.main.bundleURL.deletingLastPathComponent()
    for candidate in [bundleDirectory, Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()] {
        let executable = candidate.appendingPathComponent("quorum")
        if FileManager.default.isExecutableFile(atPath: executable.path) { return executable }
    }
    throw POSIXError(.ENOENT)
}

/// Starts `quorum serve` with `environment` added: on a fresh test database, or
/// with `embedded`, on the embedded cluster in its data directory.
func startServe(notifySocket: String, extra environment: [String: String] = [:], embedded: Bool = false) throws -> (Process, URL) {
    let database = embedded ? [] : ["--database-url", try TestDatabase.fresh()]
    let serve = try QuorumProcess(
        ["serve"] + database + ["--port", String(try freePort())],
        environment: ["NOTIFY_SOCKET": notifySocket, "QUORUM_LEADER_HEARTBEAT_MS": "200"].merging(environment) { $1 })
    return (serve.process, serve.directory)
}

/// A loopback TCP port nothing listens on right now.
func freePort() throws -> Int {
    let (descriptor, port) = try loopbackSocket(listening: false)
    close(descriptor)
    return port
}

func waitForExit(_ process: Process, timeout: Duration = .seconds(30)) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
    return !process.isRunning
}

@Suite(.serialized, .testDatabases) struct SystemdNotifyTests {
    /// A SIGHUP that changes `log.level` changes what is logged at once.
    @Test func aReloadAppliesANewLogLevel() async throws {
        let configuration = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-level-\(UInt32.random(in: 0...UInt32.max)).toml")
        try "[log]\nlevel = \"warning\"\n".write(to: configuration, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: configuration) }
        let socket = try NotifySocket(abstract: false)
        let (process, directory) = try startServe(notifySocket: socket.address, extra: ["QUORUM_CONFIG": configuration.path])
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: directory)
        }
        func log() -> String { (try? String(contentsOf: directory.appendingPathComponent("serve.log"), encoding: .utf8)) ?? "" }
        #expect(socket.waitFor("READY=1"), "\(log())")
        #expect(socket.received.contains { $0.contains("STATUS=serving snapshot") }, "\(log())")
        // At warning, a render's "site published" (info) is not written.
        try await Task.sleep(for: .milliseconds(500))
        #expect(!log().contains("site published"), "\(log())")

        try "[log]\nlevel = \"info\"\n".write(to: configuration, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        // The reload draws the site again with the reloaded chart files; at info, that is written.
        // Three languages in a debug build on a loaded machine can take well over 15 s.
        let deadline = ContinuousClock.now + .seconds(90)
        while !log().contains("site published") && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(log().contains("site published"), "\(log())")
        #expect(!log().contains("take effect at the next restart"), "\(log())")
        process.terminate()
        #expect(try await waitForExit(process))
    }

    @Test func readyOnceServingThenStoppingOnSIGTERMAndACleanExit() async throws {
        let socket = try NotifySocket(abstract: false)
        let (process, directory) = try startServe(notifySocket: socket.address)
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: directory)
        }
        let ready = socket.waitFor("READY=1")
        let log = (try? String(contentsOf: directory.appendingPathComponent("serve.log"), encoding: .utf8)) ?? ""
        #expect(ready, "no READY=1; the daemon said: \(log)")
        #expect(socket.received.contains { $0.contains("STATUS=serving snapshot") })

        // SIGHUP: a reload is announced and ends with READY=1 again.
        let readies = socket.received.filter { $0.contains("READY=1") }.count
        kill(process.processIdentifier, SIGHUP)
        #expect(socket.waitFor("RELOADING=1"))
        #expect(socket.received.contains { $0.contains("MONOTONIC_USEC=") })
        let deadline = ContinuousClock.now + .seconds(60)
        while socket.received.filter({ $0.contains("READY=1") }).count == readies && ContinuousClock.now < deadline {
            _ = socket.waitFor("never sent", timeout: .milliseconds(200))
        }
        #expect(socket.received.filter { $0.contains("READY=1") }.count == readies + 1)

        process.terminate()  // SIGTERM
        #expect(socket.waitFor("STOPPING=1"))
        #expect(try await waitForExit(process))
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(!socket.received.contains { $0.contains("WATCHDOG=1") })  // no WATCHDOG_USEC, no pings
    }

    @Test func watchdogPingsArriveAtHalfTheIntervalOnAnAbstractSocket() async throws {
        let socket = try NotifySocket(abstract: true)
        let (process, directory) = try startServe(notifySocket: socket.address, extra: ["WATCHDOG_USEC": "400000"])
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: directory)
        }
        #expect(socket.waitFor("READY=1"))
        let pingsAtReady = socket.received.filter { $0 == "WATCHDOG=1" }.count
        _ = socket.waitFor("never sent", timeout: .seconds(2))
        // 2 s at one ping per 200 ms is about ten; allow for a loaded machine.
        #expect(socket.received.filter { $0 == "WATCHDOG=1" }.count - pingsAtReady >= 5)
        process.terminate()
        #expect(try await waitForExit(process))
        #expect(process.terminationStatus == 0)
    }

    /// PostgreSQL speaks sd_notify too: the embedded cluster, started by the
    /// daemon, must not inherit its socket and report READY=1 for it.
    @Test func theEmbeddedPostgreSQLDoesNotSpeakForQuorum() async throws {
        let socket = try NotifySocket(abstract: true)
        let (process, directory) = try startServe(notifySocket: socket.address, embedded: true)
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: directory)
        }
        let ready = socket.waitFor("READY=1", timeout: .seconds(90))
        let log = (try? String(contentsOf: directory.appendingPathComponent("serve.log"), encoding: .utf8)) ?? ""
        #expect(ready, "no READY=1; the daemon said: \(log)")
        process.terminate()
        #expect(socket.waitFor("STOPPING=1"))
        #expect(try await waitForExit(process, timeout: .seconds(60)))
        #expect(process.terminationStatus == 0)
        _ = socket.waitFor("never sent", timeout: .milliseconds(500))
        // Quorum's READY=1 and STOPPING=1 come with a STATUS line; PostgreSQL's alone.
        let bare = socket.received.filter { ($0.contains("READY=1") || $0.contains("STOPPING=1")) && !$0.contains("STATUS=") }
        #expect(bare.isEmpty, "messages not from Quorum: \(bare)")
    }

    @Test func aWatchdogMeantForAnotherProcessIsNotPinged() {
        let other = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"])
        #expect(other.watchdogInterval == nil)
        let mine = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(mine.watchdogInterval == .seconds(1))
        #expect(SystemdNotifier(environment: [:]).send(["READY=1"]) == false)
    }
}

@Suite(.testDatabases) struct ReadinessTests {
    @Test func readyIsSentOnceWhenTheLastConditionIsMet() throws {
        let socket = try NotifySocket(abstract: true)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.address])
        let readiness = Readiness(notifier: notifier, waitingFor: [.snapshot, .listening])
        readiness.met(.snapshot, status: "serving snapshot 1")
        #expect(!readiness.isReady)
        #expect(socket.waitFor("STATUS=serving snapshot 1", timeout: .seconds(15)))
        #expect(!socket.received.contains { $0.contains("READY=1") })
        readiness.met(.listening)
        readiness.met(.snapshot, status: "serving snapshot 2")
        #expect(readiness.isReady)
        #expect(socket.waitFor("STATUS=serving snapshot 2", timeout: .seconds(15)))
        #expect(socket.received.filter { $0.contains("READY=1") }.count == 1)
    }
}

@Suite(.testDatabases) struct SystemdEnvironmentTests {
    @Test func theNotifierReadsSystemdsVariablesAndNamesThemForTheExecutableToRemove() {
        let environment = ["NOTIFY_SOCKET": "@quorum-test-inherit", "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "\(getpid())"]
        let notifier = SystemdNotifier(environment: environment)
        #expect(notifier.socket == "@quorum-test-inherit")
        #expect(notifier.watchdogInterval == .seconds(1))
        #expect(Set(SystemdNotifier.environmentVariables) == Set(environment.keys))
        // A watchdog meant for another process (a parent's, inherited) is not this one's.
        #expect(SystemdNotifier(environment: environment.merging(["WATCHDOG_PID": "1"]) { $1 }).watchdogInterval == nil)
    }
}
