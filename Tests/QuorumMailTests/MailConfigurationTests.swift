import Foundation
import QuorumDaemon
import QuorumMail
import Testing

@Suite struct MailConfigurationTests {
    func load(_ text: String, environment: [String: String] = [:]) throws -> Configuration {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-mail-\(UUID()).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Configuration.load(file: path, environment: environment)
    }

    @Test func theExampleDefinesAWeeklyReport() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Deploy/quorum.example.toml").standardized.path
        let configuration = try Configuration.load(file: example, environment: [:])
        let weekly = try #require(configuration.mail[report: "weekly"])
        #expect(weekly.schedule.expression == "0 9 * * mon")
        #expect(weekly.schedule.timeZone.identifier == "Asia/Almaty")
        #expect(weekly.to.map(\.address) == ["secretariat@cica.example"])
        #expect(weekly.bcc.map(\.address) == ["archive@cica.example"])
        #expect(weekly.charts == ["participants-per-year", "format-mix"])
        #expect(weekly.catchUp == .latest)
        #expect(configuration.mail.from?.name == "Quorum")
    }

    @Test func readsMailKeysFromTheFileAndTheEnvironment() throws {
        let configuration = try load(
            """
            [mail]
            transport = "file"
            from = "reports@cica.example"
            retries = 5
            timeout_ms = 120000
            [report.daily]
            schedule = "@daily"
            to = ["a@cica.example"]
            catch_up = "all"
            catch_up_limit = 3
            skip_when_unchanged = true
            """, environment: ["QUORUM_MAIL_DIRECTORY": "/tmp/out", "QUORUM_MAIL_STARTTLS": "true"])
        #expect(configuration.mail.transport == "file")
        #expect(configuration.mail.directory == "/tmp/out")
        #expect(configuration.mail.startTLS)
        #expect(configuration.mail.retries == 5)
        let daily = try #require(configuration.mail[report: "daily"])
        #expect(daily.catchUp == .all)
        #expect(daily.catchUpLimit == 3)
        #expect(daily.skipWhenUnchanged)
        let settings = try configuration.mail.settings(environment: [:])
        #expect(settings.transport == .file(directory: "/tmp/out"))
        var smtp = configuration.mail
        smtp.transport = "smtp"
        // Six attempts of two minutes, and 2+4+8+16+32 s between them: the lease outlasts them all.
        #expect(try smtp.settings(environment: [:]).lease == .seconds(6 * 120 + 62 + 60))
    }

    @Test func namesEveryBadMailKeyAndRecipient() throws {
        let error = try #require(throws: Configuration.Invalid.self) {
            try load(
                """
                [mail]
                smtp_url = "smtp://user:secret@mail.example"
                transport = "carrier-pigeon"
                [report.weekly]
                schedule = "0 9 * * mon"
                time_zone = "Asia/Nowhere"
                [report.monthly]
                schedule = "0 9 1 * *"
                to = ["not an address", "x@elsewhere.example"]
                allowed_domains = ["cica.example"]
                tables = ["no_such_aggregate"]
                catch_up = "sometimes"
                subject = "{month}"
                colour = "blue"
                """)
        }
        let text = error.description
        #expect(text.contains("mail.smtp_url must not carry a user or password"))
        #expect(!text.contains("secret"))
        #expect(text.contains("mail.transport must be smtp or file"))
        #expect(text.contains("'Asia/Nowhere' is not an IANA time zone"))
        #expect(text.contains("report.monthly.to: 'not an address' is not an e-mail address"))
        #expect(text.contains("x@elsewhere.example is outside the allowed domains (cica.example)"))
        #expect(text.contains("no aggregate no_such_aggregate"))
        #expect(text.contains("report.monthly.catch_up must be skip, latest or all"))
        #expect(text.contains("unknown placeholder {month}"))
        #expect(text.contains("unknown key report.monthly.colour"))
        #expect(text.contains("mail.from must be set"))
    }

    @Test func thePasswordComesFromTheEnvironmentElseItsFile() throws {
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-pw-\(UUID())").path
        try "from-the-file\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: passwordFile) }
        let configuration = try load(
            """
            [mail]
            from = "reports@cica.example"
            username = "quorum"
            password_file = "\(passwordFile)"
            """)
        guard case .smtp(let fromFile) = try configuration.mail.settings(environment: [:]).transport,
            case .smtp(let fromEnvironment) = try configuration.mail.settings(environment: ["QUORUM_MAIL_PASSWORD": "from-env"]).transport
        else {
            Issue.record("not smtp")
            return
        }
        #expect(fromFile.password == "from-the-file")
        #expect(fromEnvironment.password == "from-env")
        #expect(fromFile.username == "quorum")
        // Default timeouts: four attempts of a minute, 2+4+8 s between them, and a minute to spare.
        #expect(try configuration.mail.settings(environment: [:]).lease == .seconds(4 * 60 + 14 + 60))
    }
}
