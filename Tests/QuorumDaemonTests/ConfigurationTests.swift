import Foundation
import Logging
import QuorumServer
import Testing

@testable import QuorumDaemon

@Suite struct ConfigurationTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-\(UUID()).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsTheFileThenTheEnvironment() throws {
        let path = try file(
            """
            # a comment
            [server]
            port = 9090   # trailing comment
            [aggregation]
            schedule = "*/5 * * * *"
            time_zone = "Asia/Almaty"
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try Configuration.load(file: path, environment: ["QUORUM_SERVER_PORT": "9191"])
        #expect(configuration.serverPort == 9191)
        #expect(configuration.aggregationSchedule == "*/5 * * * *")
        #expect(configuration.aggregationTimeZone == "Asia/Almaty")
        #expect(configuration.serverHost == "127.0.0.1")
    }

    @Test func readsTheSitesLanguages() throws {
        #expect(try Configuration.load(file: nil, environment: [:]).renderLanguages == [.en, .ru, .zh])
        let russian = try Configuration.load(file: nil, environment: ["QUORUM_RENDER_LANGUAGES": "ru"])
        #expect(russian.renderLanguages == [.en, .ru], "English always")
        let path = try file("[render]\nlanguages = [\"zh\", \"fr\"]\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try Configuration.load(file: path, environment: [:])
        } throws: { error in
            "\(error)".contains("render.languages: fr is not one of en, ru, zh")
        }
    }

    @Test func readsTheServerKeys() throws {
        let path = try file(
            """
            [server]
            read_token_required = true
            max_body_bytes = 65536
            request_timeout_ms = 2500
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try Configuration.load(file: path, environment: [:])
        let settings = ServerSettings(configuration, siteDirectory: nil)
        #expect(settings.readTokenRequired)
        #expect(settings.maxBodyBytes == 65536)
        #expect(settings.requestTimeout == .milliseconds(2500))
        #expect(Configuration().serverMaxBodyBytes == ServerSettings().maxBodyBytes, "the defaults agree")
        let fromEnvironment = try Configuration.load(file: path, environment: ["QUORUM_SERVER_READ_TOKEN_REQUIRED": "false"])
        #expect(!fromEnvironment.serverReadTokenRequired)
        #expect(throws: Configuration.Invalid.self) {
            try Configuration.load(file: nil, environment: ["QUORUM_SERVER_READ_TOKEN_REQUIRED": "yes", "QUORUM_SERVER_MAX_BODY_BYTES": "10"])
        }
    }

    @Test func namesEveryBadKey() throws {
        let path = try file(
            """
            [server]
            port = 70000
            colour = "blue"
            [aggregation]
            time_zone = "Europe/Atlantis"
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try Configuration.load(file: path, environment: ["QUORUM_LOG_LEVEL": "chatty"])
            Issue.record("accepted")
        } catch let error as Configuration.Invalid {
            let text = error.description
            #expect(text.contains("server.port must be a whole number from 1 to 65535"))
            #expect(text.contains("unknown key server.colour"))
            #expect(text.contains("'Europe/Atlantis' is not an IANA time zone"))
            #expect(text.contains("QUORUM_LOG_LEVEL: log.level must be one of"))
        }
    }

    /// A line break in a setting could forge a mail header or a log line: refused,
    /// named by its code point, never echoed.
    @Test func controlCharactersInASettingAreRefusedAndNotEchoed() throws {
        let environment = [
            "QUORUM_MAIL_FROM": "quorum@example.org\r\nBcc: injected@example.net",
            "QUORUM_LOG_LEVEL": "info\nforged log line",
            "QUORUM_SERVER_REQUEST_TIMEOUT_MS": "2500",
        ]
        do {
            _ = try Configuration.load(file: nil, environment: environment)
            Issue.record("accepted")
        } catch let error as Configuration.Invalid {
            #expect(error.problems.contains("QUORUM_MAIL_FROM: mail.from contains the control character U+000D, which no setting may hold"))
            #expect(error.problems.contains("QUORUM_LOG_LEVEL: log.level contains the control character U+000A, which no setting may hold"))
            #expect(error.problems.count == 2, "\(error.problems)")
            #expect(!error.description.contains("injected") && !error.description.contains("forged"))
        }
    }

    @Test func readsTheDatabaseBudgets() throws {
        let configuration = try Configuration.load(
            file: nil,
            environment: [
                "QUORUM_DATABASE_REQUEST_CONNECTIONS": "8", "QUORUM_DATABASE_BACKGROUND_CONNECTIONS": "3",
                "QUORUM_DATABASE_START_TIMEOUT_MS": "0",
            ])
        #expect(configuration.databaseRequestConnections == 8)
        #expect(configuration.databaseBackgroundConnections == 3)
        #expect(configuration.databaseStartTimeoutMilliseconds == 0)
        let daemon = Daemon(
            conninfo: "host=/nonexistent", configuration: configuration, logger: .init(label: "test"),
            dataDirectory: FileManager.default.temporaryDirectory)
        #expect(daemon.requestPool.maxConnections == 8)
        #expect(daemon.backgroundPool.maxConnections == 3)
        #expect(throws: Configuration.Invalid.self) {
            try Configuration.load(file: nil, environment: ["QUORUM_DATABASE_REQUEST_CONNECTIONS": "0"])
        }
    }

    /// A reload names what it cannot apply, rather than ignore it silently.
    @Test func aReloadNamesTheKeysThatWaitForARestart() throws {
        let running = try Configuration.load(file: nil, environment: [:])
        let reloaded = try Configuration.load(
            file: nil,
            environment: [
                "QUORUM_SERVER_PORT": "9090", "QUORUM_RENDER_SITE_DIR": "/srv/quorum/site",
                "QUORUM_DATABASE_REQUEST_CONNECTIONS": "8", "QUORUM_AGGREGATION_SCHEDULE": "*/5 * * * *",
                "QUORUM_LOG_LEVEL": "debug",
            ])
        // The schedule and the log level apply at once (the latter in `quorum serve`).
        #expect(running.keysNeedingRestart(toApply: reloaded) == ["database.request_connections", "server.port", "render.site_dir"])
        #expect(running.keysNeedingRestart(toApply: running).isEmpty)
    }

    @Test func syntaxErrorsNameTheLine() throws {
        let path = try file("[server]\nport 8080\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try Configuration.load(file: path, environment: [:]) } throws: { "\($0)".contains("line 2: ") }
    }

    @Test func theExampleConfigurationIsValid() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Deploy/quorum.example.toml").standardized.path
        _ = try Configuration.load(file: example, environment: [:])
    }
}
