import Foundation
import QuorumBlocking
import QuorumStore

/// Runs a program (looked up on the PATH) to its end without holding a thread
/// while it runs; returns its exit status and its output and errors together
/// (`ChildProcess`, which daemons the command leaves running cannot hold up).
public func runToEnd(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    let outcome = try await ChildProcess.run(arguments[0], Array(arguments.dropFirst()), environment: environment)
    return (outcome.status, outcome.output)
}

/// Runs blocking work (libgd, libpq, a child's pipe) on the tests' own bounded
/// threads and waits for it, so a test never holds one of the few threads of the
/// cooperative pool that every other test shares.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await testThreads.run(work)
}

private let testThreads = BlockingPool(threads: 8)
