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
        coverage, registerEvents, registerFigures, registerFacts, sources, names,
    ]

    /// An aggregate over events, made from the partial aggregates of each (body,
    /// year) group; `sql` says the same in one statement, for psql and for tests.
    private static func fromGroups(
        name: String, description: String, sql: String,
        derive: @escaping @Sendable (GroupInput) throws -> AggregateTable
    )
        -> AggregateDefinition
    {
        AggregateDefinition(
            name: name, description: description,
            computation: .fromGroups(sql: SQL(sql, binds: []), derive: derive))
    }

    /// Every event with its year, the `ev` the statements over events start from.
    private static let events = """
        ev AS (SELECT e.id, e.body_id, e.format, e.dimension_code, extract(year FROM e.start_date)::int AS year
               FROM quorum.event e WHERE e.status = 'held')
        """

    /// The qualifier of a combination of figures.
    private static let combinedQualifier = """
        CASE WHEN bool_or(f.qualifier = 'approximately') THEN 'approximately'
             WHEN bool_or(f.qualifier = 'at_least') THEN 'at_least' ELSE 'exact' END
        """

    public static let bodyYear = fromGroups(
        name: "body_year",
        description:
            "Per body and year: sessions; participants (total, mean, median, min, max); member states represented, their share of the membership at the end of the year; organisations present.",
        sql: """
            WITH \(events), groups AS (
                SELECT body_id, year, count(*) AS sessions FROM ev GROUP BY body_id, year
            ), fig AS (
                -- Every figure of the events in one pass; the aggregates below pick their measure.
                SELECT ev.body_id, ev.year, f.measure, f.value, f.qualifier, f.scope, f.source_id,
                       f.derivation IS NOT NULL AS derived
                FROM ev JOIN quorum.figure f ON f.event_id = ev.id
                WHERE f.measure IN ('participants', 'member_states', 'organisations')
            ), participants AS (
                SELECT f.body_id, f.year, sum(f.value) AS total, round(avg(f.value), 1) AS mean,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.value) AS median,
                       min(f.value) AS min, max(f.value) AS max, count(*) AS reported,
                       \(combinedQualifier) AS qualifier, string_agg(DISTINCT s.key COLLATE "C", ' ') AS sources,
                       bool_or(f.derived) AS derived
                FROM fig f JOIN quorum.source s ON s.id = f.source_id
                WHERE f.measure = 'participants'
                GROUP BY f.body_id, f.year
            ), states AS (
                SELECT f.body_id, f.year, max(f.value) AS largest, count(*) AS reported,
                       (array_agg(f.qualifier::text ORDER BY f.value DESC))[1] AS largest_qualifier,
                       (array_agg(f.derived ORDER BY f.value DESC, f.derived DESC))[1] AS largest_derived,
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
                       (array_agg(f.qualifier::text ORDER BY f.value DESC))[1] AS largest_qualifier,
                       (array_agg(f.derived ORDER BY f.value DESC, f.derived DESC))[1] AS largest_derived
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
                            WHEN g.sessions = 1 THEN 'exact' ELSE 'at_least' END AS organisations_qualifier,
                       CASE WHEN p.derived THEN '\(Derivation.derivedFigure)' END AS participants_derivation,
                       CASE WHEN n.sessions = g.sessions THEN
                                CASE WHEN g.sessions = 1 AND st.largest = n.states AND NOT st.largest_derived THEN NULL
                                     ELSE '\(Derivation.namedStates)' END
                            WHEN st.largest IS NULL AND n.states IS NULL THEN NULL
                            WHEN g.sessions = 1 AND st.reported = 1 AND n.states IS NULL THEN
                                CASE WHEN st.largest_derived THEN '\(Derivation.derivedFigure)' END
                            ELSE '\(Derivation.largestCount)' END AS member_states_derivation,
                       CASE WHEN o.largest IS NULL AND no.organisations IS NULL THEN NULL
                            WHEN o.largest IS NOT NULL AND o.largest >= coalesce(no.organisations, 0) THEN
                                CASE WHEN g.sessions > 1 THEN '\(Derivation.largestCount)'
                                     WHEN o.largest_derived THEN '\(Derivation.derivedFigure)' END
                            ELSE '\(Derivation.namedOrganisations)' END AS organisations_derivation
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
                   c.organisations, c.organisations_qualifier, c.sources,
                   c.participants_derivation, c.member_states_derivation, c.organisations_derivation,
                   (SELECT m.derivation FROM quorum.membership_count m
                    WHERE m.organisation_id = o.id AND m.role = 'member' AND m.valid_from <= make_date(c.year, 12, 31)
                    ORDER BY m.valid_from DESC LIMIT 1) AS members_derivation
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
                   s.key AS source, t.locator, t.derivation, t.note
            FROM quorum.total t JOIN quorum.organisation o ON o.id = t.organisation_id
            JOIN quorum.source s ON s.id = t.source_id
            ORDER BY o.code, t.measure, t.period_from NULLS FIRST
            """)

    /// The last day of a partial date stored as its first day and precision.
    private static func lastDay(_ date: String, _ precision: String) -> String {
        """
        (\(date) + CASE \(precision) WHEN 'day' THEN interval '0' WHEN 'month' THEN interval '1 month - 1 day'
                    ELSE interval '1 year - 1 day' END)::date
        """
    }

    public static let coverage = AggregateDefinition(
        name: "coverage",
        description:
            "Per period total of events the documents report (\"160 events, October 2020 – October 2024\"): how many held events of that period the dataset holds.",
        sql: SQL(
            """
            SELECT o.code AS organisation, t.measure, t.label, t.value, t.qualifier::text AS qualifier,
                   quorum.partial_date(t.period_from, t.from_precision) AS period_from,
                   quorum.partial_date(t.period_to, t.to_precision) AS period_to, s.key AS source,
                   -- Body by body, each body's events of the period by index (start_date <= the
                   -- period's last day follows from the last condition): a scan of every event
                   -- took most of a refresh on a large dataset.
                   (SELECT count(*) FROM quorum.body b JOIN LATERAL (
                        SELECT 1 FROM quorum.event e
                        WHERE e.body_id = b.id AND e.status = 'held'
                          AND (t.measure = 'events' OR e.dimension_code IS NOT NULL)
                          AND e.start_date >= t.period_from
                          AND e.start_date <= \(lastDay("t.period_to", "t.to_precision"))
                          AND \(lastDay("e.start_date", "e.date_precision")) <= \(lastDay("t.period_to", "t.to_precision"))
                    ) held ON true
                    WHERE b.organisation_id = t.organisation_id
                   ) AS in_dataset
            FROM quorum.total t JOIN quorum.organisation o ON o.id = t.organisation_id
            JOIN quorum.source s ON s.id = t.source_id
            WHERE t.measure IN ('events', 'cbm_events') AND t.period_from IS NOT NULL AND t.period_to IS NOT NULL
            ORDER BY o.code, t.measure, t.period_from
            """, binds: []))

    // MARK: The register

    /// How many events the register in a snapshot lists: all of them in any real
    /// dataset; the API lists every one.
    public static let registerLimit = 1_000

    public static let registerEvents = AggregateDefinition(
        name: "register_events",
        description:
            "Every event (the first \(registerLimit) by id), held or announced, with its date and precision, place, format and the document that reports it.",
        sql: SQL(
            """
            WITH e AS (SELECT * FROM quorum.event ORDER BY id LIMIT \(registerLimit))
            SELECT e.id, o.code AS organisation, b.code AS body, b.name AS body_name, e.session, e.title,
                   quorum.partial_date(e.start_date, e.date_precision) AS date,
                   e.end_date::text AS end_date, extract(year FROM e.start_date)::int AS year,
                   e.city, c.name AS country, e.format::text AS format, e.status::text AS status,
                   d.name AS dimension, s.key AS source, e.locator
            FROM e JOIN quorum.body b ON b.id = e.body_id JOIN quorum.organisation o ON o.id = b.organisation_id
            JOIN quorum.source s ON s.id = e.source_id
            LEFT JOIN quorum.country c ON c.code = e.country_code LEFT JOIN quorum.dimension d ON d.code = e.dimension_code
            ORDER BY o.code COLLATE "C", e.start_date, b.code COLLATE "C", e.session NULLS LAST, e.id
            """, binds: []))

    public static let registerFigures = AggregateDefinition(
        name: "register_figures",
        description:
            "Every figure of the events in register_events: value, qualifier, scope, whether the document states it or Quorum derived it (and how), its source and the words of the document.",
        sql: SQL(
            """
            SELECT f.event_id, f.measure, f.value, f.qualifier::text AS qualifier, f.scope::text AS scope,
                   f.derivation, s.key AS source, f.locator, f.note
            FROM quorum.figure f JOIN quorum.source s ON s.id = f.source_id
            -- Looked up by key, whatever the planner's estimates: a join could scan every figure.
            WHERE f.event_id = ANY (ARRAY(SELECT id FROM quorum.event ORDER BY id LIMIT \(registerLimit)))
            ORDER BY f.event_id, array_position(ARRAY['participants', 'member_states', 'guest_states', 'organisations',
                                                      'countries'], f.measure), f.measure COLLATE "C"
            """, binds: []))

    public static let registerFacts = AggregateDefinition(
        name: "register_facts",
        description:
            "The other facts of the documents: milestones (chairmanships, documents adopted, ratifications, …), memberships of named states, coordinators of priority areas, each with its source and words.",
        sql: SQL(
            """
            SELECT o.code AS organisation, 'milestone' AS fact, m.kind, m.subject, c.name AS country,
                   quorum.partial_date(m.date_from, m.from_precision) AS date_from,
                   quorum.partial_date(m.date_to, m.to_precision) AS date_to,
                   extract(year FROM coalesce(m.date_to, m.date_from))::int AS year,
                   m.derivation, s.key AS source, m.locator
            FROM quorum.milestone m JOIN quorum.organisation o ON o.id = m.organisation_id
            JOIN quorum.source s ON s.id = m.source_id LEFT JOIN quorum.country c ON c.code = m.country_code
            UNION ALL
            SELECT o.code, 'membership', m.role::text, c.name, c.name,
                   quorum.partial_date(m.since, m.since_precision), NULL, extract(year FROM m.since)::int,
                   m.derivation, s.key, m.locator
            FROM quorum.membership m JOIN quorum.organisation o ON o.id = m.organisation_id
            JOIN quorum.source s ON s.id = m.source_id JOIN quorum.country c ON c.code = m.country_code
            UNION ALL
            SELECT NULL, 'coordinator', c.role, p.name, k.name, NULL, NULL, NULL, NULL, s.key, c.locator
            FROM quorum.coordinator c JOIN quorum.priority_area p ON p.code = c.priority_area_code
            JOIN quorum.country k ON k.code = c.country_code JOIN quorum.source s ON s.id = c.source_id
            ORDER BY 1, 2, 3, 8 NULLS FIRST, 4, 5
            """, binds: []))

    public static let sources = AggregateDefinition(
        name: "sources",
        description: "The documents every fact comes from: key, title, publisher, date, symbol.",
        sql: SQL(
            """
            SELECT key AS source, title, publisher, quorum.partial_date(published, published_precision) AS published,
                   symbol, url
            FROM quorum.source ORDER BY key COLLATE "C"
            """, binds: []))

    /// The names the other aggregates' codes stand for, in each language the dataset
    /// gives: the API sends them beside the codes (`CodeNames`).
    public static let names = AggregateDefinition(
        name: "names",
        description:
            "The names of the organisations, bodies (organisation/body), dimensions and priority areas in English, Russian and Chinese, as the dataset gives them; empty where it gives none.",
        sql: SQL(
            """
            SELECT kind, code, en, ru, zh FROM (
                SELECT 'organisation' AS kind, o.code, o.name AS en, o.names ->> 'ru' AS ru, o.names ->> 'zh' AS zh
                FROM quorum.organisation o
                UNION ALL
                SELECT 'body', o.code || '/' || b.code, b.name, b.names ->> 'ru', b.names ->> 'zh'
                FROM quorum.body b JOIN quorum.organisation o ON o.id = b.organisation_id
                UNION ALL
                SELECT 'dimension', d.code, d.name, d.names ->> 'ru', d.names ->> 'zh' FROM quorum.dimension d
                UNION ALL
                SELECT 'priority_area', p.code, p.name, p.names ->> 'ru', p.names ->> 'zh' FROM quorum.priority_area p
            ) named
            ORDER BY kind, code COLLATE "C"
            """, binds: []))

    public static let membership = AggregateDefinition(
        name: "membership",
        description: "Membership counts from each date on: members, observers and partners.",
        sql: """
            SELECT o.code AS organisation, m.role::text AS role,
                   quorum.partial_date(m.valid_from, m.from_precision) AS valid_from, m.count,
                   m.qualifier::text AS qualifier, s.key AS source, m.locator, m.derivation, m.note
            FROM quorum.membership_count m JOIN quorum.organisation o ON o.id = m.organisation_id
            JOIN quorum.source s ON s.id = m.source_id
            ORDER BY o.code, m.role, m.valid_from
            """)

    public static let milestonesPerYear = AggregateDefinition(
        name: "milestones_per_year",
        description:
            "Dated milestones (concept papers renewed, ratifications, …) per kind and year; those known only as a range count in the year they end.",
        sql: """
            SELECT o.code AS organisation, m.kind, extract(year FROM coalesce(m.date_to, m.date_from))::int AS year,
                   count(*) AS milestones,
                   count(*) FILTER (WHERE m.date_from IS NULL OR m.date_to IS NOT NULL) AS dated_by_range
            FROM quorum.milestone m JOIN quorum.organisation o ON o.id = m.organisation_id
            GROUP BY o.code, m.kind, 3 ORDER BY o.code, m.kind, 3
            """)
}

/// How the aggregates over events say a value is Quorum's rather than the
/// document's, in the words the tables and the register show. (No apostrophes:
/// the SQL spells them as literals.)
public enum Derivation {
    public static let namedStates = "Counted from the Member States the document names."
    public static let namedOrganisations = "Counted from the organisations the document names."
    public static let largestCount =
        "The largest of the counts reported for the sessions of that year: a lower bound, since sessions may count the same ones."
    public static let derivedFigure = "Includes a figure Quorum derived; the register says how."
}
