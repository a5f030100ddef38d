import Foundation
import QuorumTestSupport
import Testing

@testable import QuorumMail

/// libcurl against a real SMTP server (aiosmtpd) on loopback.
@Suite struct SMTPTransportTests {
    func message(subject: String = "Türkiye: weekly figures") throws -> MailMessage {
        var message = try MailMessage(
            from: sender, to: [MailAddress("ayse@mfa.example", name: "Ayşe — Türkiye")],
            subject: subject, date: Date(), messageID: "weekly.20261123T0400Z.test@cica.example",
            text: "18 member states", html: "<p>18 member states</p>")
        message.cc = [try MailAddress("analysts@cica.example")]
        message.bcc = [try MailAddress("archive@cica.example")]
        message.images = [.init(contentID: "chart.test@cica.example", fileName: "chart.png", png: makePNG(width: 60, height: 30, seed: 1))]
        return message
    }

    func settings(_ server: SMTPServer) -> SMTPSettings {
        var settings = SMTPSettings(url: server.url)
        settings.backoff = .milliseconds(50)
        settings.connectTimeout = .seconds(2)
        settings.timeout = .seconds(10)
        return settings
    }

    @Test func deliversToEveryEnvelopeRecipientWithBccOnlyInTheEnvelope() async throws {
        let server = try await SMTPServer.start()
        let message = try message()
        try await SMTPTransport(settings: settings(server)).send(message)
        #expect(server.messages.count == 1)
        let envelope = try server.envelope(0)
        #expect(envelope.from == "reports@cica.example")
        #expect(envelope.to == ["ayse@mfa.example", "analysts@cica.example", "archive@cica.example"])
        let parsed = try await ParsedMessage.parse(server.messages[0])
        #expect(parsed.subject == "Türkiye: weekly figures")
        #expect(parsed.to == "Ayşe — Türkiye <ayse@mfa.example>")
        #expect(parsed.bcc == nil)
        #expect(parsed.images.first?.sha256 == (try await sha256(message.images[0].png)))
        // What the server stored is byte for byte what was composed.
        #expect(try Data(contentsOf: server.messages[0]) == Data(try message.rendered()))
    }

    @Test func aTemporaryFailureIsRetriedUntilAccepted() async throws {
        let server = try await SMTPServer.start(["--temporary-failures", "2"])
        try await SMTPTransport(settings: settings(server)).send(try message())
        #expect(server.dataCommands == 3)
        #expect(server.messages.count == 1)
    }

    @Test func temporaryFailuresBeyondTheRetriesFailAsTransient() async throws {
        let server = try await SMTPServer.start(["--temporary-failures", "10"])
        var settings = settings(server)
        settings.retries = 2
        let error = try await #require(throws: MailError.self) { try await SMTPTransport(settings: settings).send(try message()) }
        #expect(error.isTransient)
        #expect(error.replyCode == 451)
        #expect(server.dataCommands == 3)
    }

    @Test func aPermanentFailureIsNotRetried() async throws {
        let server = try await SMTPServer.start(["--reject"])
        let error = try await #require(throws: MailError.self) { try await SMTPTransport(settings: settings(server)).send(try message()) }
        #expect(error.isPermanent)
        #expect(error.replyCode == 554)
        #expect(server.dataCommands == 1)
        #expect(server.messages.isEmpty)
    }

    @Test func aSlowServerTimesOut() async throws {
        let server = try await SMTPServer.start(["--delay", "60"])
        var settings = settings(server)
        settings.timeout = .milliseconds(700)
        settings.retries = 0
        let started = ContinuousClock.now
        let error = try await #require(throws: MailError.self) { try await SMTPTransport(settings: settings).send(try message()) }
        #expect(error.isTransient)
        // libcurl bounds the wait for the reply to DATA in whole seconds: one, here; far
        // from the server's minute even on a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func aServerThatIsDownFailsAsTransientAfterTheRetries() async throws {
        var settings = SMTPSettings(url: "smtp://127.0.0.1:\(closedPort())")
        settings.retries = 1
        settings.backoff = .milliseconds(10)
        let error = try await #require(throws: MailError.self) { try await SMTPTransport(settings: settings).send(try message()) }
        #expect(error.isTransient)
        #expect(error.description.contains("smtp://127.0.0.1"))
    }

    @Test func authenticatesWithTheConfiguredUserAndNeverShowsThePassword() async throws {
        let server = try await SMTPServer.start(["--user", "quorum", "--password", "s3cret-Türkiye"])
        var good = settings(server)
        good.username = "quorum"
        good.password = "s3cret-Türkiye"
        try await SMTPTransport(settings: good).send(try message())
        #expect(server.messages.count == 1)
        #expect(try server.envelope(0).login == "quorum")

        var bad = good
        bad.password = "wrong-password"
        bad.retries = 0
        let error = try await #require(throws: MailError.self) { try await SMTPTransport(settings: bad).send(try message()) }
        #expect(error.isPermanent)
        #expect(error.replyCode == 535)
        #expect(!error.description.contains("wrong-password"))
        #expect(server.messages.count == 1)
    }

    @Test func aHeaderInjectionIsRefusedBeforeConnecting() async throws {
        let server = try await SMTPServer.start()
        let error = try await #require(throws: MailError.self) {
            try await SMTPTransport(settings: settings(server)).send(try message(subject: "Hi\r\nBcc: victim@evil.example"))
        }
        #expect(error.isHeaderInjection)
        #expect(server.dataCommands == 0)
    }

    /// A self-signed certificate for 127.0.0.1, made with openssl for the test.
    func certificate(in directory: URL) throws -> (cert: String, key: String) {
        let cert = directory.appendingPathComponent("cert.pem").path, key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw MailTestFailure("openssl could not make a certificate") }
        return (cert, key)
    }

    @Test func startTLSAndImplicitTLSWithTheServersCertificateVerified() async throws {
        let directory = try temporaryDirectory("tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try await offPool { try certificate(in: directory) }

        // STARTTLS, required by the server (it refuses MAIL before it).
        let starttls = try await SMTPServer.start(["--starttls", cert, key])
        var settings = settings(starttls)
        settings.startTLS = true
        settings.caFile = cert
        try await SMTPTransport(settings: settings).send(try message())
        #expect(starttls.messages.count == 1)

        // Without the CA the certificate does not verify: refused, nothing sent in clear.
        var unverified = settings
        unverified.caFile = nil
        unverified.retries = 0
        await #expect(throws: MailError.self) { try await SMTPTransport(settings: unverified).send(try message()) }
        #expect(starttls.messages.count == 1)

        // Implicit TLS: smtps://.
        let implicit = try await SMTPServer.start(["--implicit-tls", cert, key])
        var smtps = SMTPSettings(url: "smtps://127.0.0.1:\(implicit.port)")
        smtps.caFile = cert
        smtps.timeout = .seconds(10)
        try await SMTPTransport(settings: smtps).send(try message())
        #expect(implicit.messages.count == 1)
        #expect(try await ParsedMessage.parse(implicit.messages[0]).subject == "Türkiye: weekly figures")
    }
}
