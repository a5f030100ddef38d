import Foundation
import QuorumModel

/// Everything an operator can set, validated once at load with a message per key.
///
/// Sources, later ones winning: built-in defaults, the file (`--config`, else
/// `QUORUM_CONFIG`), then environment variables (`QUORUM_SECTION_KEY`, e.g.
/// `QUORUM_AGGREGATION_SCHEDULE`; `DATABASE_URL` for the database).
public struct Configuration: Sendable, Equatable {
    public var databaseURL: String?
    public var dataDirectory: String?
    public var serverHost = "127.0.0.1"
    public var serverPort = 8080
    public var aggregationSchedule = "0 * * * *"
    public var aggregationTimeZone = "UTC"
    /// How long to wait after a change for more changes before aggregating.
    public var aggregationDebounceMilliseconds = 300
    public var snapshotRetention = 50
    public var leaderHeartbeatMilliseconds = 1000
    public var logLevel = "info"
    /// Report e-mails: the `mail.*` keys and the `[report.NAME]` sections.
    public var mail = MailConfiguration()

    public init() {}

    /// Every key, its environment variable, and what it means: the reference.
    public static let keys: [(key: String, environment: String, help: String)] = [
        ("database.url", "DATABASE_URL", "PostgreSQL URL or conninfo; unset: libpq's PG* variables, else the embedded cluster"),
        ("data_dir", "QUORUM_DATA_DIR", "data directory (embedded cluster, published site)"),
        ("server.host", "QUORUM_SERVER_HOST", "address the HTTP server listens on"),
        ("server.port", "QUORUM_SERVER_PORT", "port the HTTP server listens on"),
        ("aggregation.schedule", "QUORUM_AGGREGATION_SCHEDULE", "cron expression of scheduled aggregation runs"),
        ("aggregation.time_zone", "QUORUM_AGGREGATION_TIME_ZONE", "IANA time zone the schedule is read in"),
        ("aggregation.debounce_ms", "QUORUM_AGGREGATION_DEBOUNCE_MS", "quiet time after a change before aggregating"),
        ("aggregation.retention", "QUORUM_AGGREGATION_RETENTION", "complete snapshots kept in the database"),
        ("leader.heartbeat_ms", "QUORUM_LEADER_HEARTBEAT_MS", "how often the leader checks its lock connection"),
        ("log.level", "QUORUM_LOG_LEVEL", "trace, debug, info, notice, warning, error or critical"),
    ] + mailKeys

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let problems: [String]
        public var description: String { "invalid configuration:\n" + problems.map { "  \($0)" }.joined(separator: "\n") }
    }

    /// Reads the file (if any) and the environment, and checks every key.
    public static func load(file: String?, environment: [String: String]) throws -> Configuration {
        var problems: [String] = []
        var settings: [String: (value: ConfigFile.Value, origin: String)] = [:]
        if let file = file ?? environment["QUORUM_CONFIG"] {
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                for (key, value) in try ConfigFile.parse(text) { settings[key] = (value, file) }
            } catch let error as ConfigFile.SyntaxError {
                throw Invalid(problems: ["\(file), \(error)"])
            } catch {
                throw Invalid(problems: ["\(file): cannot be read"])
            }
        }
        for (key, variable, _) in keys where !variable.isEmpty {
            if let text = environment[variable] {
                settings[key] = (Int(text).map(ConfigFile.Value.integer) ?? .string(text), variable)
            }
        }

        var configuration = Configuration()
        let known = Set(keys.map(\.key))
        for key in settings.keys.sorted() where !known.contains(key) && !isReportKey(key) {
            problems.append("\(settings[key]!.origin): unknown key \(key)")
        }
        func string(_ key: String, _ apply: (String) -> Void) {
            guard let (value, origin) = settings[key] else { return }
            guard case .string(let text) = value else { return problems.append("\(origin): \(key) must be a string") }
            apply(text)
        }
        func integer(_ key: String, _ range: ClosedRange<Int>, _ apply: (Int) -> Void) {
            guard let (value, origin) = settings[key] else { return }
            guard case .integer(let number) = value, range.contains(number) else {
                return problems.append("\(origin): \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            apply(number)
        }
        string("database.url") { configuration.databaseURL = $0 }
        string("data_dir") { configuration.dataDirectory = $0 }
        string("server.host") { configuration.serverHost = $0 }
        integer("server.port", 1...65535) { configuration.serverPort = $0 }
        string("aggregation.schedule") { configuration.aggregationSchedule = $0 }
        string("aggregation.time_zone") { configuration.aggregationTimeZone = $0 }
        integer("aggregation.debounce_ms", 0...60_000) { configuration.aggregationDebounceMilliseconds = $0 }
        integer("aggregation.retention", 1...100_000) { configuration.snapshotRetention = $0 }
        integer("leader.heartbeat_ms", 100...60_000) { configuration.leaderHeartbeatMilliseconds = $0 }
        string("log.level") { configuration.logLevel = $0 }
        configuration.mail = loadMail(settings, problems: &problems)

        do {
            _ = try CronSchedule(configuration.aggregationSchedule, timeZone: configuration.aggregationTimeZone)
        } catch {
            let origin = settings["aggregation.schedule"]?.origin ?? settings["aggregation.time_zone"]?.origin ?? "default"
            problems.append("\(origin): aggregation.schedule / aggregation.time_zone: \(error)")
        }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        if !levels.contains(configuration.logLevel) {
            problems.append("\(settings["log.level"]?.origin ?? "default"): log.level must be one of \(levels.joined(separator: ", "))")
        }
        guard problems.isEmpty else { throw Invalid(problems: problems) }
        return configuration
    }

    public var aggregationCron: CronSchedule {
        try! CronSchedule(aggregationSchedule, timeZone: aggregationTimeZone)  // checked at load
    }
}
