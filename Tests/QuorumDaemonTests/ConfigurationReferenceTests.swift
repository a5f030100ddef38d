import Foundation
import Testing

@testable import QuorumDaemon

/// docs/operations.md must stay true to the code: scripts/config-reference
/// regenerates its table from `Configuration.keys`.
@Suite struct ConfigurationReferenceTests {
    let guide = (try? String(contentsOf: repositoryRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)) ?? ""

    @Test func theOperatingGuideNamesEveryKeyAndItsVariable() {
        #expect(!guide.isEmpty, "docs/operations.md is missing")
        let names = Configuration.keys.flatMap { [$0.key, $0.environment] }.filter { !$0.isEmpty }
        let missing = names.filter { !guide.contains("`\($0)`") }
        #expect(missing.isEmpty, "docs/operations.md does not name \(missing): run scripts/config-reference")
    }

    @Test func theGuidesTableIsTheGeneratedOne() throws {
        let begin = try #require(guide.range(of: "<!-- BEGIN configuration reference"))
        let end = try #require(guide.range(of: "<!-- END configuration reference -->"))
        let afterMarker = try #require(guide[begin.upperBound...].firstIndex(of: "\n"))
        let table = String(guide[guide.index(after: afterMarker)..<end.lowerBound])
        let current = table == Configuration.referenceMarkdown()
        #expect(current, "the table in docs/operations.md is stale: run scripts/config-reference")
    }

    @Test func everyKeyWithADefaultIsAKey() {
        let unknown = Set(Configuration.defaultValues.keys).subtracting(Configuration.keys.map(\.key))
        #expect(unknown.isEmpty, "defaults for keys that do not exist: \(unknown.sorted())")
    }
}
