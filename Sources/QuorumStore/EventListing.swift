import QuorumModel

/// What `GET /api/v1/events`, `/figures` and `/sources` read: pages of events
/// with their figures, or of the figures alone, built as JSON by PostgreSQL.
public enum EventListing {
    public enum Shape: String, Sendable { case events, figures }

    /// One page of `filter`'s events, as `{"events"|"figures": […], "limit": …, "nextCursor": …}`.
    /// Beside each code, its `names` in every language (`{"en": …, "ru": …, "zh": …}`,
    /// English where the data has no translation) and, in `labels`, the one in
    /// `filter.language`.
    public static func page(_ shape: Shape, _ filter: EventFilter, on connection: Connection) throws -> String {
        // Country names in the other languages are CLDR's, not the database's.
        let codes = try connection.query("SELECT code FROM quorum.country").map { try $0.require(String.self, at: 0) }
        let countries = JSONText.object(
            Dictionary(
                uniqueKeysWithValues: codes.map { code in
                    (
                        code,
                        JSONText.object(
                            Dictionary(
                                uniqueKeysWithValues: Language.translated.compactMap { language in
                                    CountryNames.name(of: code, in: language).map { (language.rawValue, $0) }
                                }))
                    )
                }))
        return try connection.query(
            """
            WITH page AS (
                SELECT e.*, o.code AS organisation, b.code AS body, es.key AS source,
                       jsonb_build_object('en', o.name) || o.names AS organisation_names,
                       jsonb_build_object('en', b.name) || b.names AS body_names,
                       jsonb_build_object('en', e.title) || e.titles AS title_names,
                       jsonb_build_object('en', c.name) || ((\(countries)::jsonb ->> c.code)::jsonb) AS country_names
                FROM quorum.event e
                JOIN quorum.body b ON b.id = e.body_id
                JOIN quorum.organisation o ON o.id = b.organisation_id
                JOIN quorum.source es ON es.id = e.source_id
                LEFT JOIN quorum.country c ON c.code = e.country_code
                WHERE (\(filter.organisation)::text IS NULL OR o.code = \(filter.organisation))
                  AND (\(filter.body)::text IS NULL OR b.code = \(filter.body))
                  AND (\(filter.dimension)::text IS NULL OR e.dimension_code = \(filter.dimension))
                  AND (\(filter.from)::int IS NULL OR extract(year FROM e.start_date) >= \(filter.from))
                  AND (\(filter.to)::int IS NULL OR extract(year FROM e.start_date) <= \(filter.to))
                  AND e.id > \(filter.cursor)::bigint
                ORDER BY e.id
                LIMIT \(filter.limit + 1)::int OFFSET \(filter.offset)::int
            ), shown AS (
                SELECT * FROM page ORDER BY id LIMIT \(filter.limit)::int
            ), named AS (
                SELECT id,
                       json_build_object('organisation', organisation_names, 'body', body_names, 'title', title_names,
                                         'country', country_names) AS names,
                       json_build_object('organisation', coalesce(organisation_names ->> \(filter.language)::text, organisation_names ->> 'en'),
                                         'body', coalesce(body_names ->> \(filter.language)::text, body_names ->> 'en'),
                                         'title', coalesce(title_names ->> \(filter.language)::text, title_names ->> 'en'),
                                         'country', coalesce(country_names ->> \(filter.language)::text, country_names ->> 'en')) AS labels
                FROM shown
            ), figure AS (
                SELECT f.*, s.key AS source, s.title AS source_title,
                       CASE WHEN f.derivation IS NULL THEN 'stated' ELSE 'derived' END AS basis
                FROM shown e JOIN quorum.figure f ON f.event_id = e.id JOIN quorum.source s ON s.id = f.source_id
            )
            SELECT json_build_object(
                \(shape.rawValue)::text, CASE WHEN \(shape.rawValue) = 'figures' THEN coalesce((
                    SELECT json_agg(json_build_object(
                        'event', e.id, 'organisation', e.organisation, 'body', e.body, 'title', e.title,
                        'date', quorum.partial_date(e.start_date, e.date_precision), 'status', e.status,
                        'measure', f.measure, 'value', f.value, 'qualifier', f.qualifier, 'scope', f.scope,
                        'basis', f.basis, 'derivation', f.derivation, 'source', f.source, 'sourceTitle', f.source_title,
                        'locator', f.locator, 'note', f.note, 'names', n.names, 'labels', n.labels) ORDER BY e.id, f.measure)
                    FROM shown e JOIN figure f ON f.event_id = e.id JOIN named n ON n.id = e.id), '[]')
                ELSE coalesce((
                    SELECT json_agg(json_build_object(
                        'id', e.id, 'organisation', e.organisation, 'body', e.body, 'session', e.session, 'title', e.title,
                        'date', quorum.partial_date(e.start_date, e.date_precision),
                        'endDate', to_char(e.end_date, 'YYYY-MM-DD'), 'city', e.city, 'country', e.country_code,
                        'format', e.format, 'dimension', e.dimension_code, 'priorityArea', e.priority_area_code,
                        'topics', e.topics, 'status', e.status, 'source', e.source, 'locator', e.locator,
                        'figures', coalesce((
                            SELECT json_agg(json_build_object('measure', f.measure, 'value', f.value, 'qualifier', f.qualifier,
                                   'scope', f.scope, 'basis', f.basis, 'derivation', f.derivation, 'source', f.source,
                                   'locator', f.locator, 'note', f.note) ORDER BY f.measure)
                            FROM figure f WHERE f.event_id = e.id), '[]'),
                        'names', n.names, 'labels', n.labels) ORDER BY e.id)
                    FROM shown e JOIN named n ON n.id = e.id), '[]') END,
                'language', \(filter.language)::text,
                'limit', \(filter.limit)::int,
                'nextCursor', CASE WHEN (SELECT count(*) FROM page) > \(filter.limit)::int
                                   THEN (SELECT max(id) FROM shown)::text END
            )::text
            """
        ).first!.require(String.self, at: 0)
    }

    /// Every source, as `{"sources": […]}`.
    public static func sources(on connection: Connection) throws -> String {
        try connection.query(
            """
            SELECT json_build_object('sources', coalesce(json_agg(json_build_object(
                'key', key, 'title', title, 'published', quorum.partial_date(published, published_precision),
                'symbol', symbol, 'publisher', publisher, 'url', url) ORDER BY key), '[]'))::text
            FROM quorum.source
            """
        ).first!.require(String.self, at: 0)
    }
}

/// Which events a listing shows, and which page of them.
public struct EventFilter: Sendable {
    public static let defaultLimit = 100, maxLimit = 1000

    public var organisation: String?, body: String?, dimension: String?
    /// Years of the start date, inclusive.
    public var from: Int?, to: Int?
    public var limit = EventFilter.defaultLimit
    /// Events after this id (keyset paging), or `offset` events skipped (page numbers).
    public var cursor: Int64 = 0
    public var offset = 0
    /// The language of the `labels` (a `Language` code).
    public var language = Language.en.rawValue

    public init() {}
}
