import Foundation
import QuorumTestSupport
import Testing

/// The fault suite (`Benchmarks/faults.sh`) in its quick mode, against the
/// executable this test run built: PostgreSQL killed during an import and an
/// aggregation, quorum killed during a render, a full disk, a locked database
/// against deadlines and readiness, fuzzed imports, HTTP abuse, and a leader
/// killed while it sends. The full counts are a script run (README, "Reliability").
/// Each family runs on its own PostgreSQL and ports, beside the other tests; so
/// /healthz is held to 500 ms here rather than the script's 100 ms (a /healthz that
/// waited on the locked database would take the whole fault, seconds).
@Suite struct FaultSuiteTests {
    @Test(arguments: 1...7)
    func theQuickFaultFamilyFindsNoFailure(family: Int) async throws {
        let script = repositoryRoot.appendingPathComponent("Benchmarks/faults.sh").path
        let (status, output) = try await runToEnd(
            ["bash", script, "--quick", "--only", String(family)],
            environment: ["QUORUM": try quorumExecutable().path, "QUORUM_FAULTS_HEALTHZ_LIMIT_MS": "500"])
        #expect(status == 0, "\(output)")
        #expect(output.contains(" 0 failures") || output.contains("0 failed"), "\(output)")
    }
}
