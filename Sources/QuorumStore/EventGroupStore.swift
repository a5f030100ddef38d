/// What an aggregation run keeps for the next one: the partial aggregates of every
/// (body, year) group (`quorum.event_group`, as of the snapshot named in
/// `quorum.event_group_snapshot`), and the change log that says which groups
/// changed since a data version (`quorum.dirty_group`, `quorum.inserted_events`).
public struct EventGroupStore {
    /// A (body, year) group.
    public typealias Key = (body: Int64, year: Int)

    /// The columns of quorum.event_group, in the order its rows are read and written.
    public static let columns = """
        body_id, year, online, hybrid, in_person, format_not_reported, dimensions, participants,
        participants_approximate, participants_at_least, participants_sources, member_states_reported,
        member_states_largest, member_states_qualifier, member_states_pure, member_states_scope,
        named_state_events, named_states, organisations_largest, organisations_qualifier, named_organisations,
        participants_derived, member_states_derived, organisations_derived
        """

    private let connection: Connection

    public init(_ connection: Connection) {
        self.connection = connection
    }

    /// Calls `body` with each stored group's row (in `columns` order) when the stored
    /// groups are those of snapshot `id`; returns false, reading nothing, when they are another's.
    public func load(snapshot id: Int64, _ body: (Row) throws -> Void) throws -> Bool {
        guard try connection.query("SELECT snapshot_id FROM quorum.event_group_snapshot").first?.decode(Int64.self, at: 0) == id else {
            return false
        }
        try connection.forEachRow("SELECT \(SQLFragment(text: Self.columns)) FROM quorum.event_group", body)
        return true
    }

    /// Stores the groups `all` as those of snapshot `id`, each as `row` gives it (in
    /// `columns` order; nil for a group that no longer exists). When the stored groups
    /// are the base's, only those of `changed` are rewritten; otherwise, or when
    /// `changed` is nil, every stored group is replaced.
    public func store(all: [Key], changed: [Key]?, snapshot id: Int64, base: Int64?, row: (Key) -> [String?]?) throws {
        let moved =
            try connection.execute(
                """
                UPDATE quorum.event_group_snapshot SET snapshot_id = \(id) WHERE snapshot_id = \(base)
                """) == 1
        let keys: [Key]
        if let changed, moved {
            keys = changed
            try connection.execute(
                """
                DELETE FROM quorum.event_group WHERE (body_id, year) IN (
                    SELECT * FROM unnest(\(TextArray(changed.map { String($0.body) }))::bigint[],
                                         \(TextArray(changed.map { String($0.year) }))::int[]))
                """)
        } else {
            keys = all
            try connection.execute("DELETE FROM quorum.event_group")
            try connection.execute("UPDATE quorum.event_group_snapshot SET snapshot_id = \(id)")
        }
        try connection.copyIn("COPY quorum.event_group (\(SQLFragment(text: Self.columns))) FROM STDIN") { copy in
            for key in keys {
                if let fields = row(key) { try copy.row(fields) }
            }
        }
    }

    /// The ids of the events of these groups.
    public func events(of groups: [Key]) throws -> [Int64] {
        if groups.isEmpty { return [] }
        // Found by index, group by group: the planner cannot see how few groups there are.
        try connection.execute("SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)")
        let ids: [Int64] = try connection.query(
            """
            SELECT e.id FROM unnest(\(TextArray(groups.map { String($0.body) }))::bigint[],
                                    \(TextArray(groups.map { String($0.year) }))::int[]) g(body_id, year)
            JOIN quorum.event e ON e.body_id = g.body_id
                AND e.start_date >= make_date(g.year, 1, 1) AND e.start_date < make_date(g.year + 1, 1, 1)
            """
        ).map { try $0.require(at: 0) }
        try connection.execute("SELECT set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)")
        return ids
    }

    /// What changed after data version `version`: the groups to recompute (an update
    /// or a delete touched them, or figures were added to an older event), and the
    /// id ranges of the events inserted since, to be added to their groups.
    public func changes(since version: Int64) throws -> (recompute: [Key], newEvents: [Range<Int64>]) {
        let recompute: [Key] = try connection.query(
            """
            SELECT body_id, year FROM quorum.dirty_group WHERE version > \(version)
            UNION
            SELECT e.body_id, extract(year FROM e.start_date)::int
            FROM unnest((SELECT range_agg(events) FROM quorum.inserted_events WHERE version > \(version) AND NOT new_events)
                        - coalesce((SELECT range_agg(events) FROM quorum.inserted_events
                                    WHERE version > \(version) AND new_events), '{}')) r
            JOIN quorum.event e ON e.id >= lower(r) AND e.id < upper(r)
            """
        ).map { (try $0.require(at: 0), try $0.require(at: 1)) }
        let newEvents = try connection.query(
            """
            SELECT lower(r), upper(r)
            FROM unnest((SELECT range_agg(events) FROM quorum.inserted_events WHERE version > \(version) AND new_events)) r
            """
        ).map { row in try row.require(Int64.self, at: 0)..<row.require(Int64.self, at: 1) }
        return (recompute, newEvents)
    }
}
