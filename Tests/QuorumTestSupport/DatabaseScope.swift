import Synchronization
import Testing

/// The databases one test made, dropped when it ends.
final class DatabaseScope: Sendable {
    @TaskLocal static var current: DatabaseScope?

    private let names = Mutex<[String]>([])

    func record(_ name: String) { names.withLock { $0.append(name) } }

    var recorded: [String] { names.withLock { $0 } }
}

/// Drops every database a test made with `TestDatabase` once the test ends, so a
/// run's cluster holds only the databases of the tests running now.
public struct DropsDatabases: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> DropsDatabases? {
        test.isSuite ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: () async throws -> Void) async throws {
        let scope = DatabaseScope()
        defer { TestDatabase.drop(scope.recorded) }
        try await DatabaseScope.$current.withValue(scope) { try await function() }
    }
}

extension Trait where Self == DropsDatabases {
    /// Drops the databases each test made once it ends.
    public static var dropsDatabases: Self { Self() }
}
