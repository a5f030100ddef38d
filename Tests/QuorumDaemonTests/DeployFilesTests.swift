import Foundation
import QuorumTestSupport
import Testing

@testable import QuorumStore

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite(.testDatabases) struct DeployFilesTests {
    /// No container engine or cluster runs on the development machines: the
    /// Dockerfile, compose.yaml and the Kubernetes manifests are parsed and
    /// checked, the health check is run against a real HTTP server, the unit
    /// is verified by systemd-analyze and the proxy configuration by nginx -t.
    @Test func theDeployFilesHoldWhatTheyMust() async throws {
        let (status, output) = try await runToEnd([
            "python3", repositoryRoot.appendingPathComponent("Tests/Deploy/check_deploy.py").path,
            "--quorum", try quorumExecutable().path,
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 problem(s) in Deploy/"))
    }
}

/// What docs/operations.md promises of the command line: completion scripts
/// for three shells, and a version.
@Suite(.testDatabases) struct CommandLineTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func aCompletionScriptForEachShellKnowsTheSubcommands(shell: String) async throws {
        let (status, script) = try await runToEnd([try quorumExecutable().path, "--generate-completion-script", shell])
        #expect(status == 0)
        for subcommand in ["serve", "import", "export", "seed"] {
            let offered = script.range(of: "\\b\(subcommand)\\b", options: .regularExpression) != nil
            #expect(offered, "the \(shell) completion does not offer \(subcommand)")
        }
    }

    @Test func theVersionIsPrinted() async throws {
        let (status, output) = try await runToEnd([try quorumExecutable().path, "--version"])
        #expect(status == 0)
        #expect(output.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+\n$"#, options: .regularExpression) != nil, "\(output)")
    }

    /// `quorum report pdf` on the demo data prints the example's weekly report, the
    /// same bytes for the same snapshot and period.
    @Test func theReportPDFCommandPrintsTheExamplesWeeklyReport() async throws {
        let quorum = try quorumExecutable().path
        let database = try TestDatabase.fresh()
        for command in [["seed", "--demo"], ["aggregate"]] {
            let run = try await runToEnd([quorum] + command + ["--database-url", database])
            try #require(run.status == 0, "\(run.output)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-pdf-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func print(_ name: String) async throws -> [UInt8] {
            let file = directory.appendingPathComponent(name)
            let run = try await runToEnd([
                quorum, "report", "pdf", "weekly", "--config", repositoryRoot.appendingPathComponent("Deploy/quorum.example.toml").path,
                "--database-url", database, "--site-dir", directory.appendingPathComponent("no-site").path,
                "--period", "2026-12-07T04:00:00Z", "--out", file.path,
            ])
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("a4 portrait"), "\(run.output)")
            return [UInt8](try Data(contentsOf: file))
        }
        let bytes = try await print("weekly.pdf")
        #expect(try await print("again.pdf") == bytes)
        let pdf = try await offPool { try PopplerReading(pdf: bytes) }
        #expect(pdf.info["Page size"]?.hasSuffix("(A4)") == true)
        #expect(pdf.info["Title"] == "CICA participation figures, week of 2026-12-07")
        #expect(pdf.text.contains("Contents") && pdf.text.contains("236+"))
    }
}

/// Deploy/replicas.sh end to end: PostgreSQL, three replicas and nginx; the
/// leader is killed and another must take over while nginx answers every probe.
@Suite(.serialized, .testDatabases) struct ReplicasTakeoverTests {
    @Test
    func anotherReplicaLeadsWhenTheLeaderIsKilledAndNginxKeepsAnswering() async throws {
        let script = repositoryRoot.appendingPathComponent("Deploy/replicas.sh").path
        let environment = [
            "QUORUM": try quorumExecutable().path,
            "QUORUM_REPLICAS_DIR": "/tmp/quorum-replicas-test-\(getpid())",
            "QUORUM_REPLICAS_HTTP_PORT": String(try freePort()),
            "QUORUM_REPLICAS_FIRST_PORT": String(try consecutiveFreePorts(3)),
            "QUORUM_REPLICAS_PG_PORT": String(try freePort()),
        ]
        let start = try await runToEnd([script, "start"], environment: environment)
        #expect(start.status == 0, "\(start.output)")
        if start.status == 0 {
            let check = try await runToEnd([script, "check"], environment: environment)
            #expect(check.status == 0, "\(check.output)")
            #expect(check.output.contains("takeover check passed"))
        }
        let stop = try await runToEnd([script, "stop"], environment: environment)
        if stop.output.contains("did not stop") {
            withKnownIssue("a replica now and then outlives SIGTERM by more than 10 s", isIntermittent: true) {
                Issue.record("\(stop.output)")
            }
        }
    }
}
