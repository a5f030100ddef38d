/// What an import did, per kind of record.
public struct ImportSummary: Equatable, Sendable, CustomStringConvertible {
    public struct Count: Equatable, Sendable {
        public var created = 0
        public var updated = 0
        public var unchanged = 0
    }

    public private(set) var counts: [String: Count] = [:]

    public init() {}

    mutating func add(_ kind: String, created: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        counts[kind, default: Count()].unchanged += unchanged
        counts[kind, default: Count()].created += created
        counts[kind, default: Count()].updated += updated
    }

    mutating func add(_ kind: String, inserted: Bool) {
        add(kind, created: inserted ? 1 : 0, updated: inserted ? 0 : 1)
    }

    public var description: String {
        counts.keys.sorted().map { kind in
            let count = counts[kind]!
            return "\(kind): \(count.created) created, \(count.updated) updated, \(count.unchanged) unchanged"
        }.joined(separator: "\n")
    }
}
