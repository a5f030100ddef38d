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

extension Connection {
    /// After a large import the planner's row estimates are far off until autovacuum
    /// gets round to the tables, which can take minutes; meanwhile a read of a
    /// thousand events plans like a read of all of them. So a large import
    /// measures the tables at once, as PostgreSQL advises after a bulk load. The
    /// import has committed by then: a failure here costs speed, never the import.
    func refreshStatistics(after summary: ImportSummary) {
        let written = ["events", "figures"].reduce(0) { total, kind in
            total + (summary.counts[kind].map { $0.created + $0.updated } ?? 0)
        }
        if written >= ImportSummary.bulkLoad { _ = try? execute("ANALYZE quorum.event, quorum.figure") }
    }
}

extension ImportSummary {
    /// Events and figures written from which an import counts as a bulk load.
    static let bulkLoad = 10_000
}
