import Foundation
import QuorumBlocking
import Subprocess
import SystemPackage

/// Runs a program (looked up on the PATH) to its end without holding a thread
/// while it runs; returns its exit status and its output and errors together.
/// The output goes to a temporary file: daemons the command leaves running in the
/// background neither hold a pipe open nor keep the wait from returning.
public func runToEnd(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-run-\(UUID().uuidString)")
    let output = try FileDescriptor.open(FilePath(file.path), .readWrite, options: [.create, .truncate], permissions: .ownerReadWrite)
    defer {
        try? output.close()
        try? FileManager.default.removeItem(at: file)
    }
    var overrides: [Environment.Key: String?] = [:]
    for (name, value) in environment { overrides[Environment.Key(stringLiteral: name)] = value }
    let result = try await Subprocess.run(
        .path("/usr/bin/env"), arguments: Arguments(arguments), environment: .inherit.updating(overrides),
        output: .fileDescriptor(output, closeAfterSpawningProcess: false),
        error: .fileDescriptor(output, closeAfterSpawningProcess: false))
    let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    switch result.terminationStatus {
    case .exited(let code): return (code, text)
    case .signaled(let signal): return (128 + signal, text)
    }
}

/// Runs blocking work (libgd, libpq, a child's pipe) on the tests' own bounded
/// threads and waits for it, so a test never holds one of the few threads of the
/// cooperative pool that every other test shares.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await testThreads.run(work)
}

private let testThreads = BlockingPool(threads: 8)
