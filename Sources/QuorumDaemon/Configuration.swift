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
    /// Connections for HTTP requests, and for the background work (aggregation,
    /// mail, migrations): separate budgets, so neither can starve the other.
    public var databaseRequestConnections = 4
    public var databaseBackgroundConnections = 2
    /// How long `quorum serve` waits at start for an unreachable database before giving up.
    public var databaseStartTimeoutMilliseconds = 30_000
    public var serverHost = "127.0.0.1"
    public var serverPort = 8080
    public var serverReadTokenRequired = false
    public var serverMaxBodyBytes = 1_048_576  // the server's own default (a test keeps the two equal)
    public var serverRequestTimeoutMilliseconds = 30_000
    /// When scheduled aggregation runs: parsed and checked at load, so never invalid.
    public private(set) var aggregationCron = CronSchedule.hourly
    /// As the operator wrote them (Foundation would report "UTC" as "GMT").
    public private(set) var aggregationSchedule = "0 * * * *"
    public private(set) var aggregationTimeZone = "UTC"
    /// How long to wait after a change for more changes before aggregating.
    public var aggregationDebounceMilliseconds = 300
    public var snapshotRetention = 50
    public var leaderHeartbeatMilliseconds = 1000
    public var logLevel = "info"
    /// A directory of chart files to render instead of the default set in the binary.
    public var renderChartsDirectory: String?
    /// The site root (releases/ and the `current` link); default `<data_dir>/site`.
    public var renderSiteDirectory: String?
    /// The languages the site is published in; English always, at the root.
    public var renderLanguages = Language.allCases
    /// Report e-mails: the `mail.*` keys and the `[report.NAME]` sections.
    public var mail = MailConfiguration()

    public init() {}

    /// Every key, its environment variable, and what it means: the reference.
    public static let keys: [(key: String, environment: String, help: String)] =
        [
            ("database.url", "DATABASE_URL", "PostgreSQL URL or conninfo; unset: libpq's PG* variables, else the embedded cluster"),
            (
                "database.request_connections", "QUORUM_DATABASE_REQUEST_CONNECTIONS",
                "connections the HTTP API may hold; a request waiting longer than server.request_timeout_ms for one gets 503"
            ),
            (
                "database.background_connections", "QUORUM_DATABASE_BACKGROUND_CONNECTIONS",
                "connections for aggregation, mail and migrations (the leader lock, notifications and /readyz have their own)"
            ),
            (
                "database.start_timeout_ms", "QUORUM_DATABASE_START_TIMEOUT_MS",
                "how long `quorum serve` retries an unreachable database at start before it exits with status 69"
            ),
            ("data_dir", "QUORUM_DATA_DIR", "data directory (embedded cluster, published site)"),
            ("server.host", "QUORUM_SERVER_HOST", "address the HTTP server listens on"),
            ("server.port", "QUORUM_SERVER_PORT", "port the HTTP server listens on"),
            ("server.read_token_required", "QUORUM_SERVER_READ_TOKEN_REQUIRED", "true: API reads need a bearer token too, not only writes"),
            ("server.max_body_bytes", "QUORUM_SERVER_MAX_BODY_BYTES", "largest request body accepted; larger ones get 413"),
            ("server.request_timeout_ms", "QUORUM_SERVER_REQUEST_TIMEOUT_MS", "a request waiting longer on the database or its body gets 503"),
            ("aggregation.schedule", "QUORUM_AGGREGATION_SCHEDULE", "cron expression of scheduled aggregation runs"),
            ("aggregation.time_zone", "QUORUM_AGGREGATION_TIME_ZONE", "IANA time zone the schedule is read in"),
            (
                "aggregation.debounce_ms", "QUORUM_AGGREGATION_DEBOUNCE_MS",
                "quiet period after a run: a change after it aggregates at once, changes within it wait for its end"
            ),
            ("aggregation.retention", "QUORUM_AGGREGATION_RETENTION", "complete snapshots kept in the database"),
            ("leader.heartbeat_ms", "QUORUM_LEADER_HEARTBEAT_MS", "how often the leader checks its lock connection"),
            ("log.level", "QUORUM_LOG_LEVEL", "trace, debug, info, notice, warning, error or critical"),
            ("render.charts_dir", "QUORUM_RENDER_CHARTS_DIR", "directory of chart files (*.toml); unset: the default set in the binary"),
            (
                "render.languages", "QUORUM_RENDER_LANGUAGES",
                "the site's languages (en, ru, zh; default all three): each is drawn and published under /<code>/; English always"
            ),
            (
                "render.site_dir", "QUORUM_RENDER_SITE_DIR",
                "where the HTML site is published (releases/ and the current link); unset: <data_dir>/site"
            ),
        ] + mailKeys

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let problems: [String]
        public var description: String { "invalid configuration:\n" + problems.map { "  \($0)" }.joined(separator: "\n") }
    }

    /// Reads the file (if any) and the environment, and checks every key.
    public static func load(file: String?, environment: [String: String]) throws -> Configuration {
        var problems: [String] = []
        var settings: Settings = [:]
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

        // Refused before anything reads them, so no message downstream can echo them.
        for key in settings.keys.sorted() {
            let texts: [String] =
                switch settings[key]!.value {
                case .string(let text): [text]
                case .strings(let list): list
                case .integer, .boolean, .unsupported: []
                }
            if let problem = texts.lazy.compactMap(TextCheck.settingProblem).first {
                problems.append("\(settings[key]!.origin): \(key) \(problem)")
                settings[key] = nil
            }
        }

        var configuration = Configuration()
        let known = Set(keys.map(\.key))
        for key in settings.keys.sorted() where !known.contains(key) && !isReportKey(key) {
            problems.append("\(settings[key]!.origin): unknown key \(key)")
        }
        func string(_ key: String, _ apply: (String) -> Void) {
            read(key, of: settings, problems: &problems) { reader throws(ConfigFile.KeyProblem) in try reader.string(key) }.map(apply)
        }
        func boolean(_ key: String, _ apply: (Bool) -> Void) {
            read(key, of: settings, problems: &problems) { reader throws(ConfigFile.KeyProblem) in try reader.boolean(key) }.map(apply)
        }
        func integer(_ key: String, _ range: ClosedRange<Int>, _ apply: (Int) -> Void) {
            read(key, of: settings, problems: &problems) { reader throws(ConfigFile.KeyProblem) in try reader.integer(key, in: range) }.map(apply)
        }
        string("database.url") { configuration.databaseURL = $0 }
        string("data_dir") { configuration.dataDirectory = $0 }
        integer("database.request_connections", 1...200) { configuration.databaseRequestConnections = $0 }
        integer("database.background_connections", 1...50) { configuration.databaseBackgroundConnections = $0 }
        integer("database.start_timeout_ms", 0...3_600_000) { configuration.databaseStartTimeoutMilliseconds = $0 }
        string("server.host") { configuration.serverHost = $0 }
        integer("server.port", 1...65535) { configuration.serverPort = $0 }
        boolean("server.read_token_required") { configuration.serverReadTokenRequired = $0 }
        integer("server.max_body_bytes", 1024...1_073_741_824) { configuration.serverMaxBodyBytes = $0 }
        integer("server.request_timeout_ms", 100...600_000) { configuration.serverRequestTimeoutMilliseconds = $0 }
        var schedule = configuration.aggregationSchedule, timeZone = configuration.aggregationTimeZone
        string("aggregation.schedule") { schedule = $0 }
        string("aggregation.time_zone") { timeZone = $0 }
        integer("aggregation.debounce_ms", 0...60_000) { configuration.aggregationDebounceMilliseconds = $0 }
        integer("aggregation.retention", 1...100_000) { configuration.snapshotRetention = $0 }
        integer("leader.heartbeat_ms", 100...60_000) { configuration.leaderHeartbeatMilliseconds = $0 }
        string("log.level") { configuration.logLevel = $0 }
        string("render.charts_dir") { configuration.renderChartsDirectory = $0 }
        string("render.site_dir") { configuration.renderSiteDirectory = $0 }
        read("render.languages", of: settings, problems: &problems) { reader throws(ConfigFile.KeyProblem) in
            try reader.strings("render.languages")
        }.map { codes in
            let unknown = codes.filter { Language(rawValue: $0) == nil }
            guard unknown.isEmpty else {
                let origin = settings["render.languages"]?.origin ?? "default"
                problems.append(
                    "\(origin): render.languages: \(unknown.joined(separator: ", ")) is not one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))"
                )
                return
            }
            configuration.renderLanguages = Language.allCases.filter { $0 == .en || codes.contains($0.rawValue) }
        }
        configuration.mail = loadMail(settings, problems: &problems)

        do {
            configuration.aggregationCron = try CronSchedule(schedule, timeZone: timeZone)
            (configuration.aggregationSchedule, configuration.aggregationTimeZone) = (schedule, timeZone)
        } catch {
            let origin = settings["aggregation.schedule"]?.origin ?? settings["aggregation.time_zone"]?.origin ?? "default"
            problems.append("\(origin): aggregation.schedule / aggregation.time_zone: \(error)")
        }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        if !levels.contains(configuration.logLevel) {
            problems.append("\(settings["log.level"]?.origin ?? "default"): log.level must be one of \(levels.joined(separator: ", "))")
        }
        if let directory = configuration.renderChartsDirectory {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                problems.append("\(settings["render.charts_dir"]?.origin ?? "default"): render.charts_dir: \(directory) is not a directory")
            }
        }
        guard problems.isEmpty else { throw Invalid(problems: problems) }
        return configuration
    }

    /// Keys with their values and where each came from: the file, or an environment variable.
    typealias Settings = [String: (value: ConfigFile.Value, origin: String)]

    /// Reads `key` through `ConfigFile.Reader`, the one typed reader of every
    /// file Quorum reads; a value that is not what the key needs is noted in
    /// `problems` with its origin, and reads as absent.
    static func read<T>(
        _ key: String, of settings: Settings, problems: inout [String],
        _ get: (ConfigFile.Reader) throws(ConfigFile.KeyProblem) -> T?
    ) -> T? {
        guard let (value, origin) = settings[key] else { return nil }
        do {
            return try get(ConfigFile.Reader([key: value]))
        } catch {
            problems.append("\(origin): \(key) \(error.message)")
            return nil
        }
    }

    /// The keys whose new values a SIGHUP cannot apply to a running daemon (the
    /// database, the listening socket, the published tree, the pools…): changed
    /// in `reloaded`, they wait for a restart, and the daemon says so.
    public func keysNeedingRestart(toApply reloaded: Configuration) -> [String] {
        let restartOnly: [(String, (Configuration) -> AnyHashable?)] = [
            ("database.url", { $0.databaseURL }), ("data_dir", { $0.dataDirectory }),
            ("database.request_connections", { $0.databaseRequestConnections }),
            ("database.background_connections", { $0.databaseBackgroundConnections }),
            ("server.host", { $0.serverHost }), ("server.port", { $0.serverPort }),
            ("server.read_token_required", { $0.serverReadTokenRequired }),
            ("server.max_body_bytes", { $0.serverMaxBodyBytes }),
            ("server.request_timeout_ms", { $0.serverRequestTimeoutMilliseconds }),
            ("leader.heartbeat_ms", { $0.leaderHeartbeatMilliseconds }),
            ("render.site_dir", { $0.renderSiteDirectory }),
        ]
        return restartOnly.filter { $0.1(self) != $0.1(reloaded) }.map(\.0)
    }
}
