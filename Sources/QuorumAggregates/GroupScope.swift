import QuorumStore

/// The groups an aggregate over events is computed per: a body's year, or an
/// organisation's year. A change to an event, a figure or an attendee marks its
/// (body, year) group; the organisation's year follows from it.
enum GroupKey: Sendable {
    case bodyYear, organisationYear

    /// The columns of an aggregate's rows that name the group.
    var columns: [String] {
        switch self {
        case .bodyYear: ["organisation", "body", "year"]
        case .organisationYear: ["organisation", "year"]
        }
    }
}

/// The (body, year) groups changed since a snapshot, with the names the
/// aggregates' rows use for them.
struct ChangedGroups: Sendable {
    struct Group: Hashable, Sendable {
        let bodyID: Int64
        let organisationID: Int64
        let organisation: String
        let body: String
        let year: Int
    }

    let groups: [Group]

    /// Reads the groups marked after `version`.
    static func since(_ version: Int64, _ connection: Connection) throws -> ChangedGroups {
        ChangedGroups(groups: try connection.query("""
            SELECT d.body_id, b.organisation_id, o.code, b.code, d.year
            FROM quorum.dirty_group d JOIN quorum.body b ON b.id = d.body_id
            JOIN quorum.organisation o ON o.id = b.organisation_id
            WHERE d.version > \(version)
            """).map { row in
            Group(bodyID: try row.require(at: 0), organisationID: try row.require(at: 1),
                  organisation: try row.require(at: 2), body: try row.require(at: 3), year: try row.require(at: 4))
        })
    }

    /// The groups' keys as an aggregate's rows spell them.
    func keys(_ key: GroupKey) -> Set<[Value]> {
        Set(groups.map { group in
            switch key {
            case .bodyYear: [.text(group.organisation), .text(group.body), .integer(Int64(group.year))]
            case .organisationYear: [.text(group.organisation), .integer(Int64(group.year))]
            }
        })
    }

    /// The groups as two parallel arrays of ids and years, for `unnest`.
    func binds(_ key: GroupKey) -> [String?] {
        let pairs = Set(groups.map { group in
            switch key {
            case .bodyYear: Pair(id: group.bodyID, year: group.year)
            case .organisationYear: Pair(id: group.organisationID, year: group.year)
            }
        })
        return [TextArray(pairs.map { String($0.id) }).pgText, TextArray(pairs.map { String($0.year) }).pgText]
    }

    private struct Pair: Hashable {
        let id: Int64
        let year: Int
    }
}

/// Which events a grouped aggregate reads: all of them, or those of some groups.
enum GroupScope: Sendable {
    case all
    case only(ChangedGroups)

    /// A CTE `ev (id, body_id, year, format, dimension_code)` of the events in
    /// scope, and the binds it uses ($1 and $2).
    func events(by key: GroupKey) -> (cte: String, binds: [String?]) {
        let columns = "e.id, e.body_id, e.format, e.dimension_code"
        guard case .only(let changed) = self else {
            return ("ev AS (SELECT \(columns), extract(year FROM e.start_date)::int AS year FROM quorum.event e)", [])
        }
        let inYear = "e.start_date >= make_date(g.year, 1, 1) AND e.start_date < make_date(g.year + 1, 1, 1)"
        switch key {
        case .bodyYear:
            return ("""
                ev AS (SELECT \(columns), g.year FROM unnest($1::bigint[], $2::int[]) g(body_id, year)
                       JOIN quorum.event e ON e.body_id = g.body_id AND \(inYear))
                """, changed.binds(key))
        case .organisationYear:
            return ("""
                ev AS (SELECT \(columns), g.year FROM unnest($1::bigint[], $2::int[]) g(organisation_id, year)
                       JOIN quorum.body gb ON gb.organisation_id = g.organisation_id
                       JOIN quorum.event e ON e.body_id = gb.id AND \(inYear))
                """, changed.binds(key))
        }
    }
}
