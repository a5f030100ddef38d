import Foundation

/// Runs blocking work (libgd, PostgreSQL) on a thread of its own and waits for it,
/// so a test does not hold one of the few threads of the shared cooperative pool
/// that the timing-sensitive daemon tests need.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
