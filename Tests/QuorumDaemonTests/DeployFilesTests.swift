import Foundation
import Testing

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct DeployFilesTests {
    /// No container engine or cluster runs on the development machines: the
    /// Dockerfile, compose.yaml and the Kubernetes manifests are parsed and
    /// checked, the health check is run against a real HTTP server, the unit
    /// is verified by systemd-analyze and the proxy configuration by nginx -t.
    @Test func theDeployFilesHoldWhatTheyMust() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/Deploy/check_deploy.py").path,
                             "--quorum", try quorumExecutable().path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("0 problem(s) in Deploy/"))
    }
}
