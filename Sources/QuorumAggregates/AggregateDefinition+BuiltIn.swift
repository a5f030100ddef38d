import QuorumStore

/// The aggregates Quorum computes out of the box.
///
/// Qualifiers propagate: a sum or mean over figures of which one is "at least"
/// is itself "at least"; one that includes an approximate figure is approximate.
/// Member states represented across several sessions are a set union where the
/// documents name the states; where they give only counts, the aggregate is the
/// largest count, marked "at_least" — a lower bound, never a sum.
extension AggregateDefinition {
    public static let builtIn: [AggregateDefinition] = [
        bodyYear, formatMix, cbmEvents, yearOverYear, organisationTotals, periodTotals, membership, milestonesPerYear,
    ]

    /// An aggregate over events, made from the partial aggregates of each (body,
    /// year) group; `sql` says the same in one statement, for psql and for tests.
    private static func fromGroups(name: String, description: String, sql: String,
                                   derive: @escaping @Sendable (GroupInput) throws -> AggregateTable)
    -> AggregateDefinition {
        AggregateDefinition(name: name, description: description,
                            computation: .fromGroups(sql: SQL(sql, binds: []), derive: derive))
    }

    /// Every event with its year, the `ev` the statements over events start from.
    private static let events = """
        ev AS (SELECT e.id, e.body_id, e.format, e.dimension_code, extract(year FROM e.start_date)::int AS year
               FROM quorum.event e)
        """

    /// The qualifier of a combination of figures.
    private static let combinedQualifier = """
        CASE WHEN bool_or(f.qualifier = 'approximately') THEN 'approximately'
             WHEN bool_or(f.qualifier = 'at_least') THEN 'at_least' ELSE 'exact' END
        """

    public static let bodyYear = fromGroups(
        name: "body_year",
        description: "Per body and year: sessions; participants (total, mean, median, min, max); member states represented, their share of the membership at the end of the year; organisations present.",
        sql: """
            WITH \(events), groups AS (
                SELECT body_id, year, count(*) AS sessions FROM ev GROUP BY body_id, year
            ), fig AS (
                -- Every figure of the events in one pass; the aggregates below pick their measure.
                SELECT ev.body_id, ev.year, f.measure, f.value, f.qualifier, f.scope, f.source_id
                FROM ev JOIN quorum.figure f ON f.event_id = ev.id
                WHERE f.measure IN ('participants', 'member_states', 'organisations')
            ), participants AS (
                SELECT f.body_id, f.year, sum(f.value) AS total, round(avg(f.value), 1) AS mean,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.value) AS median,
                       min(f.value) AS min, max(f.value) AS max, count(*) AS reported,
                       \(combinedQualifier) AS qualifier, string_agg(DISTINCT s.key COLLATE "C", ' ') AS sources
                FROM fig f JOIN quorum.source s ON s.id = f.source_id
                WHERE f.measure = 'participants'
                GROUP BY f.body_id, f.year
            ), states AS (
                SELECT f.body_id, f.year, max(f.value) AS largest, count(*) AS reported,
                       (array_agg(f.qualifier::text ORDER BY f.value DESC))[1] AS largest_qualifier,
                       bool_and(f.scope = 'member_states') AS pure,
                       min(f.scope::text COLLATE "C") FILTER (WHERE f.scope <> 'member_states') AS other_scope
                FROM fig f WHERE f.measure = 'member_states'
                GROUP BY f.body_id, f.year
            ), named_states AS (
                SELECT ev.body_id, ev.year, count(DISTINCT ev.id) AS sessions, count(DISTINCT a.country_code) AS states
                FROM ev JOIN quorum.attendee a ON a.event_id = ev.id AND a.role = 'member' AND a.country_code IS NOT NULL
                GROUP BY ev.body_id, ev.year
            ), organisations AS (
                SELECT f.body_id, f.year, max(f.value) AS largest,
                       (array_agg(f.qualifier::text ORDER BY f.value DESC))[1] AS largest_qualifier
                FROM fig f WHERE f.measure = 'organisations'
                GROUP BY f.body_id, f.year
            ), named_organisations AS (
                SELECT ev.body_id, ev.year, count(DISTINCT a.organisation_id) AS organisations
                FROM ev JOIN quorum.attendee a ON a.event_id = ev.id AND a.organisation_id IS NOT NULL
                GROUP BY ev.body_id, ev.year
            ), combined AS (
                SELECT g.*, p.total, p.mean, p.median, p.min, p.max, p.reported AS participants_reported,
                       p.qualifier AS participants_qualifier, p.sources,
                       CASE WHEN n.sessions = g.sessions THEN n.states
                            ELSE greatest(n.states, st.largest) END AS member_states,
                       CASE WHEN n.sessions = g.sessions THEN 'exact'
                            WHEN st.largest IS NULL AND n.states IS NULL THEN NULL
                            WHEN g.sessions = 1 AND st.reported = 1 AND n.states IS NULL THEN st.largest_qualifier
                            ELSE 'at_least' END AS member_states_qualifier,
                       CASE WHEN n.sessions = g.sessions THEN 'union of named states'
                            WHEN st.largest IS NULL AND n.states IS NULL THEN NULL
                            WHEN g.sessions = 1 AND st.reported = 1 AND n.states IS NULL THEN 'reported'
                            ELSE 'largest count (lower bound)' END AS member_states_basis,
                       CASE WHEN n.sessions = g.sessions OR st.pure THEN 'member_states' ELSE st.other_scope END
                           AS member_states_scope,
                       greatest(o.largest, no.organisations) AS organisations,
                       CASE WHEN o.largest IS NULL AND no.organisations IS NULL THEN NULL
                            WHEN g.sessions = 1 AND o.largest IS NOT NULL AND o.largest >= coalesce(no.organisations, 0)
                                THEN o.largest_qualifier
                            WHEN g.sessions = 1 THEN 'exact' ELSE 'at_least' END AS organisations_qualifier
                FROM groups g
                LEFT JOIN participants p USING (body_id, year)
                LEFT JOIN states st USING (body_id, year)
                LEFT JOIN named_states n USING (body_id, year)
                LEFT JOIN organisations o USING (body_id, year)
                LEFT JOIN named_organisations no USING (body_id, year)
            )
            SELECT o.code AS organisation, b.code AS body, b.name AS body_name, c.year, c.sessions,
                   c.total AS participants, c.participants_qualifier, c.participants_reported,
                   c.mean AS participants_mean, c.median::numeric AS participants_median,
                   c.min AS participants_min, c.max AS participants_max,
                   c.member_states, c.member_states_qualifier, c.member_states_basis, c.member_states_scope,
                   quorum.membership_count_at(o.id, 'member', make_date(c.year, 12, 31)) AS members,
                   CASE WHEN c.member_states_scope = 'member_states' THEN round(c.member_states::numeric
                        / nullif(quorum.membership_count_at(o.id, 'member', make_date(c.year, 12, 31)), 0), 3)
                   END AS member_share,
                   c.organisations, c.organisations_qualifier, c.sources
            FROM combined c JOIN quorum.body b ON b.id = c.body_id
            JOIN quorum.organisation o ON o.id = b.organisation_id
            ORDER BY o.code COLLATE "C", b.code COLLATE "C", c.year
            """, derive: GroupAggregates.bodyYear)

    public static let formatMix = fromGroups(
        name: "format_mix",
        description: "Per organisation and year: how many events were held online, hybrid, in person, or in a format not reported.",
        sql: """
            WITH \(events)
            SELECT o.code AS organisation, ev.year,
                   count(*) FILTER (WHERE ev.format = 'online') AS online,
                   count(*) FILTER (WHERE ev.format = 'hybrid') AS hybrid,
                   count(*) FILTER (WHERE ev.format = 'in_person') AS in_person,
                   count(*) FILTER (WHERE ev.format IS NULL) AS not_reported,
                   count(*) AS events
            FROM ev JOIN quorum.body b ON b.id = ev.body_id
            JOIN quorum.organisation o ON o.id = b.organisation_id
            GROUP BY o.code, ev.year ORDER BY o.code COLLATE "C", ev.year
            """, derive: GroupAggregates.formatMix)

    public static let cbmEvents = fromGroups(
        name: "cbm_events",
        description: "Dated events per CBM dimension and year, beside the totals the documents report for whole periods.",
        sql: """
            WITH \(events)
            SELECT o.code AS organisation, d.code AS dimension, d.name AS dimension_name, ev.year, count(*) AS events
            FROM ev JOIN quorum.dimension d ON d.code = ev.dimension_code
            JOIN quorum.body b ON b.id = ev.body_id JOIN quorum.organisation o ON o.id = b.organisation_id
            GROUP BY o.code, d.code, d.name, ev.year ORDER BY o.code COLLATE "C", d.code COLLATE "C", ev.year
            """, derive: GroupAggregates.cbmEvents)

    /// Derived from body_year's participants, so a refresh need not read every figure again.
    public static let yearOverYear = AggregateDefinition(
        name: "year_over_year",
        description: "Per body: participants in each year with reported figures, and the change from the body's previous such year.",
        computation: .derived { tables, _ in
            try YearOverYear.derive(from: tables.require("body_year"))
        })

    /// Derived from body_year, with the bodies counted from the (small) body table.
    public static let organisationTotals = AggregateDefinition(
        name: "organisation_totals",
        description: "Per organisation: bodies, events, events with participation figures, participants in all, years covered.",
        computation: .derived { tables, connection in
            try OrganisationTotals.derive(from: tables.require("body_year"), connection)
        })

    public static let periodTotals = AggregateDefinition(
        name: "period_totals",
        description: "Totals as the documents report them for whole periods (\"160 events, October 2020 – October 2024\").",
        sql: """
            SELECT o.code AS organisation, t.measure, t.label, t.value, t.qualifier::text AS qualifier,
                   quorum.partial_date(t.period_from, t.from_precision) AS period_from,
                   quorum.partial_date(t.period_to, t.to_precision) AS period_to,
                   s.key AS source, t.locator, t.note
            FROM quorum.total t JOIN quorum.organisation o ON o.id = t.organisation_id
            JOIN quorum.source s ON s.id = t.source_id
            ORDER BY o.code, t.measure, t.period_from NULLS FIRST
            """)

    public static let membership = AggregateDefinition(
        name: "membership",
        description: "Membership counts from each date on: members, observers and partners.",
        sql: """
            SELECT o.code AS organisation, m.role::text AS role,
                   quorum.partial_date(m.valid_from, m.from_precision) AS valid_from, m.count,
                   m.qualifier::text AS qualifier, s.key AS source, m.locator, m.note
            FROM quorum.membership_count m JOIN quorum.organisation o ON o.id = m.organisation_id
            JOIN quorum.source s ON s.id = m.source_id
            ORDER BY o.code, m.role, m.valid_from
            """)

    public static let milestonesPerYear = AggregateDefinition(
        name: "milestones_per_year",
        description: "Dated milestones (concept papers renewed, ratifications, …) per kind and year; those known only as a range count in the year they end.",
        sql: """
            SELECT o.code AS organisation, m.kind, extract(year FROM coalesce(m.date_to, m.date_from))::int AS year,
                   count(*) AS milestones,
                   count(*) FILTER (WHERE m.date_from IS NULL OR m.date_to IS NOT NULL) AS dated_by_range
            FROM quorum.milestone m JOIN quorum.organisation o ON o.id = m.organisation_id
            GROUP BY o.code, m.kind, 3 ORDER BY o.code, m.kind, 3
            """)
}
