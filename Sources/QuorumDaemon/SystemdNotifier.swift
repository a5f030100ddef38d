import Foundation
import Glibc
import QuorumAggregates
import ServiceLifecycle
import Synchronization

/// Tells systemd how the daemon is doing, by the sd_notify(3) protocol: one
/// datagram of `KEY=VALUE` lines to the Unix socket named in `$NOTIFY_SOCKET`
/// (a path, or an abstract address when it starts with `@`). Without
/// `$NOTIFY_SOCKET` — outside a `Type=notify` unit — every call does nothing.
///
/// Sending is best effort: systemd not listening must never stop the daemon.
public struct SystemdNotifier: Sendable {
    /// The socket address; nil when not started by systemd.
    public let socket: String?
    /// How often systemd expects `WATCHDOG=1` (`WatchdogSec=`), when it expects it
    /// from this process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socket = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        // WATCHDOG_PID names the process the watchdog is meant for; a child that
        // inherited the environment must not ping for its parent.
        let forThisProcess = environment["WATCHDOG_PID"].map { pid_t($0) == getpid() } ?? true
        if forThisProcess, let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 {
            watchdogInterval = .microseconds(usec)
        } else {
            watchdogInterval = nil
        }
    }

    /// The variables systemd speaks through. The executable takes them out of its
    /// environment once it has read them, so that child processes never speak to
    /// systemd in Quorum's name (the embedded PostgreSQL speaks sd_notify itself).
    public static let environmentVariables = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]

    /// The daemon serves: systemd finishes starting the unit (and a reload).
    public func ready(status: String? = nil) {
        send(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? []))
    }

    public func status(_ text: String) { send(["STATUS=\(text)"]) }

    public func stopping() { send(["STOPPING=1", "STATUS=stopping"]) }

    /// A reload begins; `ready()` ends it. systemd wants the monotonic clock with it.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        send(["RELOADING=1", "MONOTONIC_USEC=\(microseconds)", "STATUS=reloading the configuration"])
    }

    public func watchdog() { send(["WATCHDOG=1"]) }

    /// Sends the lines as one datagram; returns whether it was sent.
    @discardableResult
    public func send(_ lines: [String]) -> Bool {
        guard let socket, var address = Self.address(socket) else { return false }
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let message = Array(lines.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, message, message.count, Int32(MSG_NOSIGNAL), $0, address.length)
            }
        }
        return sent == message.count
    }

    /// `sockaddr_un` for a path, or for an abstract name (`@name`: a leading NUL
    /// byte, and a length that covers exactly the name, no terminator).
    static func address(_ socket: String) -> (storage: sockaddr_un, length: socklen_t)? {
        var bytes = Array(socket.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        // A path needs room for its terminating NUL; an abstract name does not.
        guard bytes.count < capacity || (abstract && bytes.count == capacity) else { return nil }
        withUnsafeMutableBytes(of: &storage.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
        }
        // sun_path follows sun_family directly.
        let length = MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1)
        return (storage, socklen_t(length))
    }
}

// MARK: - Readiness

/// What must hold before systemd hears READY=1: each part of the daemon that
/// must be up first is a condition, and the last one met sends it. The daemon
/// waits for `.snapshot`; a server that waits for its socket too adds
/// `.listening` to `waitingFor` and calls `met(.listening)` once it listens.
public final class Readiness: Sendable {
    public struct Condition: Hashable, Sendable {
        let name: String
        /// A snapshot is held, so every view has numbers to show.
        public static let snapshot = Condition(name: "snapshot")
        /// The HTTP server accepts connections.
        public static let listening = Condition(name: "listening")
    }

    private let notifier: SystemdNotifier
    private let pending: Mutex<Set<Condition>>

    public init(notifier: SystemdNotifier, waitingFor conditions: Set<Condition>) {
        self.notifier = notifier
        pending = Mutex(conditions)
    }

    public var isReady: Bool { pending.withLock { $0.isEmpty } }

    /// Marks `condition` as met; the last one sends READY=1 (once), with `status`.
    public func met(_ condition: Condition, status: String? = nil) {
        let nowReady = pending.withLock { pending in
            pending.remove(condition) != nil && pending.isEmpty
        }
        if nowReady {
            notifier.ready(status: status)
        } else if let status {
            notifier.status(status)
        }
    }
}

// MARK: - Services

/// Meets `.snapshot` once the daemon holds a snapshot, then sends a STATUS line
/// for every newer one; STOPPING=1 the moment graceful shutdown begins (it is
/// last in the ServiceGroup, so it hears of the shutdown first).
struct SystemdStatusService: Service {
    let notifier: SystemdNotifier
    let readiness: Readiness
    let cache: SnapshotCache
    let election: LeaderElection

    func run() async throws {
        for await snapshot in cache.updates().cancelOnGracefulShutdown() {
            let role = election.role == .follower ? "follower" : "leader"
            readiness.met(.snapshot, status: "serving snapshot \(snapshot.id) (data version \(snapshot.dataVersion)); \(role)")
        }
        notifier.stopping()
    }
}

/// Pings systemd's watchdog at half its interval for as long as the daemon runs:
/// a hung process stops pinging and systemd restarts it.
struct SystemdWatchdogService: Service {
    let notifier: SystemdNotifier
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            notifier.watchdog()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval / 2) }
        }
    }
}
