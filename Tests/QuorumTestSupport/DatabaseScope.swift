import Synchronization
import Testing

/// The databases one test made, dropped when it ends.
final class DatabaseScope: Sendable {
    @TaskLocal static var current: DatabaseScope?

    private let names = Mutex<[String]>([])

    func record(_ name: String) { names.withLock { $0.append(name) } }

    var recorded: [String] { names.withLock { $0 } }
}

/// For the tests that use `TestDatabase`: starts the run's PostgreSQL before the
/// first of them, and drops every database a test made once it ends, so the
/// cluster holds only the databases of the tests running now.
public struct TestDatabases: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> TestDatabases? {
        test.isSuite ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: () async throws -> Void) async throws {
        await TestDatabase.start()
        let scope = DatabaseScope()
        defer { TestDatabase.drop(scope.recorded) }
        try await DatabaseScope.$current.withValue(scope) { try await function() }
    }
}

extension Trait where Self == TestDatabases {
    /// The run's PostgreSQL started before each test, and the databases it made dropped after it.
    public static var testDatabases: Self { Self() }
}
