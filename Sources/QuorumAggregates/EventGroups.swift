import QuorumStore

/// The partial aggregates of every (body, year) group that has events, as of
/// one snapshot: what body_year, format_mix and cbm_events are made from.
public struct EventGroups: Equatable, Sendable {
    var groups: [EventGroup.Key: EventGroup]

    /// Which events a run reads: all, or those with these ids.
    enum Scope {
        case all
        case events([Int64])
    }

    /// The partial aggregates of the groups with events in `scope`, from one statement.
    static func read(_ scope: Scope, _ connection: Connection) throws -> [EventGroup.Key: EventGroup] {
        let columns = "e.id, e.body_id, extract(year FROM e.start_date)::int AS year, e.format, e.dimension_code"
        let sql: SQL
        switch scope {
        case .all:
            sql = SQL(partialAggregates("SELECT \(columns) FROM quorum.event e WHERE e.status = 'held'"), binds: [])
        case .events(let ids):
            if ids.isEmpty { return [:] }
            // A list, not a join: the planner then knows how few events there are, and
            // looks their figures up by index.
            sql = SQL(
                partialAggregates("SELECT \(columns) FROM quorum.event e WHERE e.id = ANY ($1::bigint[]) AND e.status = 'held'"),
                binds: [TextArray(ids.map { String($0) }).pgText])
        }
        var groups: [EventGroup.Key: EventGroup] = [:]
        for row in try connection.query(sql) {
            groups[try EventGroup.key(of: row)] = try EventGroup(row: row)
        }
        return groups
    }

    /// The ids of the events of these groups.
    static func events(of keys: Set<EventGroup.Key>, _ connection: Connection) throws -> [Int64] {
        try EventGroupStore(connection).events(of: keys.map { ($0.body, $0.year) })
    }

    /// One row per group of the events `events` selects, in the order of `EventGroupStore.columns`.
    private static func partialAggregates(_ events: String) -> String {
        """
        WITH ev AS (\(events)), groups AS (
            SELECT body_id, year,
                   count(*) FILTER (WHERE format = 'online') AS online,
                   count(*) FILTER (WHERE format = 'hybrid') AS hybrid,
                   count(*) FILTER (WHERE format = 'in_person') AS in_person,
                   count(*) FILTER (WHERE format IS NULL) AS format_not_reported,
                   coalesce(array_agg(dimension_code ORDER BY dimension_code COLLATE "C")
                            FILTER (WHERE dimension_code IS NOT NULL), '{}') AS dimensions
            FROM ev GROUP BY body_id, year
        ), fig AS (
            SELECT ev.body_id, ev.year, f.measure, f.value, f.qualifier, f.scope, f.source_id,
                   f.derivation IS NOT NULL AS derived
            FROM ev JOIN quorum.figure f ON f.event_id = ev.id
            WHERE f.measure IN ('participants', 'member_states', 'organisations')
        ), participants AS (
            SELECT body_id, year, array_agg(value ORDER BY value) AS participants,
                   bool_or(qualifier = 'approximately') AS approximate, bool_or(qualifier = 'at_least') AS at_least,
                   array_agg(DISTINCT source_id) AS sources, bool_or(derived) AS derived
            FROM fig WHERE measure = 'participants' GROUP BY body_id, year
        ), states AS (
            SELECT body_id, year, count(*) AS reported, max(value) AS largest,
                   (array_agg(qualifier::text ORDER BY value DESC))[1] AS qualifier,
                   (array_agg(derived ORDER BY value DESC, derived DESC))[1] AS derived,
                   bool_and(scope = 'member_states') AS pure,
                   min(scope::text COLLATE "C") FILTER (WHERE scope <> 'member_states') AS other_scope
            FROM fig WHERE measure = 'member_states' GROUP BY body_id, year
        ), organisations AS (
            SELECT body_id, year, max(value) AS largest, (array_agg(qualifier::text ORDER BY value DESC))[1] AS qualifier,
                   (array_agg(derived ORDER BY value DESC, derived DESC))[1] AS derived
            FROM fig WHERE measure = 'organisations' GROUP BY body_id, year
        ), named_states AS (
            SELECT ev.body_id, ev.year, array_agg(DISTINCT ev.id) AS events, array_agg(DISTINCT a.country_code) AS states
            FROM ev JOIN quorum.attendee a ON a.event_id = ev.id AND a.role = 'member' AND a.country_code IS NOT NULL
            GROUP BY ev.body_id, ev.year
        ), named_organisations AS (
            SELECT ev.body_id, ev.year, array_agg(DISTINCT a.organisation_id) AS organisations
            FROM ev JOIN quorum.attendee a ON a.event_id = ev.id AND a.organisation_id IS NOT NULL
            GROUP BY ev.body_id, ev.year
        )
        SELECT g.body_id, g.year, g.online, g.hybrid, g.in_person, g.format_not_reported, g.dimensions,
               coalesce(p.participants, '{}'), coalesce(p.approximate, false), coalesce(p.at_least, false),
               coalesce(p.sources, '{}'), coalesce(st.reported, 0), st.largest, st.qualifier, coalesce(st.pure, true),
               st.other_scope, coalesce(ns.events, '{}'), coalesce(ns.states, '{}'), o.largest, o.qualifier,
               coalesce(no.organisations, '{}'), coalesce(p.derived, false), coalesce(st.derived, false),
               coalesce(o.derived, false)
        FROM groups g
        LEFT JOIN participants p USING (body_id, year)
        LEFT JOIN states st USING (body_id, year)
        LEFT JOIN organisations o USING (body_id, year)
        LEFT JOIN named_states ns USING (body_id, year)
        LEFT JOIN named_organisations no USING (body_id, year)
        """
    }
}

// MARK: Kept between runs

extension EventGroups {
    /// Which groups a run changed, to be written back.
    enum Written {
        case all
        case some(Set<EventGroup.Key>)
    }

    /// The groups stored with snapshot `id`, or nil when those stored belong to another.
    static func load(snapshot id: Int64, _ connection: Connection) throws -> EventGroups? {
        var groups: [EventGroup.Key: EventGroup] = [:]
        let found = try EventGroupStore(connection).load(snapshot: id) { row in
            groups[try EventGroup.key(of: row)] = try EventGroup(row: row)
        }
        return found ? EventGroups(groups: groups) : nil
    }

    /// Stores the groups as those of snapshot `id`. Only the `written` ones are
    /// rewritten when those stored are the base's; otherwise all of them.
    func store(_ written: Written, snapshot id: Int64, base: Int64?, _ connection: Connection) throws {
        let changed: [EventGroup.Key]? = if case .some(let keys) = written { Array(keys) } else { nil }
        try EventGroupStore(connection).store(
            all: groups.keys.map { ($0.body, $0.year) }, changed: changed.map { $0.map { ($0.body, $0.year) } },
            snapshot: id, base: base
        ) { key in
            let key = EventGroup.Key(body: key.body, year: key.year)
            return groups[key]?.fields(key)
        }
    }
}

// MARK: Changes

/// What changed since a snapshot: the groups to recompute (an update or a
/// delete touched them, or figures were added to an older event), and the
/// events inserted since, to be added to their groups.
struct Changes {
    var recompute: Set<EventGroup.Key>
    var newEvents: [Range<Int64>]

    static func since(_ version: Int64, _ connection: Connection) throws -> Changes {
        let changes = try EventGroupStore(connection).changes(since: version)
        return Changes(
            recompute: Set(changes.recompute.map { EventGroup.Key(body: $0.body, year: $0.year) }),
            newEvents: changes.newEvents)
    }
}
