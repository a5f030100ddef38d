/// The configuration reference of docs/operations.md, generated from `keys` so
/// that the guide cannot drift from the code (`quorum config reference`).
extension Configuration {
    /// Every key as a Markdown table: key, environment variable, default, meaning.
    public static func referenceMarkdown() -> String {
        var lines = [
            "| key | environment variable | default | meaning |",
            "|---|---|---|---|",
        ]
        for (key, environment, help) in keys {
            let variable = environment.isEmpty ? "—" : "`\(environment)`"
            let value = defaultValues[key] ?? "—"
            lines.append("| `\(key)` | \(variable) | \(value) | \(escaped(help)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Defaults in Markdown, read off a default configuration; keys left out
    /// have none (unset, or required where they are used).
    static var defaultValues: [String: String] {
        let defaults = Configuration()
        func code(_ value: Any) -> String { "`\(value)`" }
        return [
            "data_dir": "\(code("/var/lib/quorum")) as root, else \(code("~/.local/share/quorum"))",
            "server.host": code(defaults.serverHost),
            "database.request_connections": code(defaults.databaseRequestConnections),
            "database.background_connections": code(defaults.databaseBackgroundConnections),
            "database.start_timeout_ms": code(defaults.databaseStartTimeoutMilliseconds),
            "server.port": code(defaults.serverPort),
            "server.max_body_bytes": "\(code(defaults.serverMaxBodyBytes)) (1 MiB)",
            "server.request_timeout_ms": code(defaults.serverRequestTimeoutMilliseconds),
            "aggregation.schedule": code(defaults.aggregationSchedule),
            "aggregation.time_zone": code(defaults.aggregationTimeZone),
            "aggregation.debounce_ms": code(defaults.aggregationDebounceMilliseconds),
            "aggregation.retention": code(defaults.snapshotRetention),
            "leader.heartbeat_ms": code(defaults.leaderHeartbeatMilliseconds),
            "log.level": code(defaults.logLevel),
        ]
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
