import QuorumModel

/// Writes a whole `Dataset` (the JSON format) in one transaction: every part is
/// upserted by its natural key, so importing the same file twice changes nothing;
/// any bad reference or violated constraint rolls everything back.
public struct DatasetImporter {
    let connection: Connection

    public init(_ connection: Connection) {
        self.connection = connection
    }

    public func run(_ dataset: Dataset, file: String) throws -> ImportSummary {
        let issues = dataset.validate()
        guard issues.isEmpty else { throw InvalidInput(file: file, issues: issues) }
        do {
            let summary = try connection.transaction { _ in
                var writer = Writer(connection: connection)
                try writer.write(dataset)
                guard writer.issues.isEmpty else { throw InvalidInput(file: file, issues: writer.issues) }
                return writer.summary
            }
            connection.refreshStatistics(after: summary)
            return summary
        } catch let error as InvalidInput where error.file.isEmpty {
            throw InvalidInput(file: file, issues: error.issues)
        }
    }

    /// The state of one import: ids of what is known, issues found, counts.
    private struct Writer {
        let connection: Connection
        var summary = ImportSummary()
        var issues: [InputIssue] = []
        var sources: [String: Int64] = [:]
        var organisations: [String: Int64] = [:]
        var bodies: [String: Int64] = [:]
        var countries: Set<String> = []
        var dimensions: Set<String> = []
        var priorityAreas: Set<String> = []

        init(connection: Connection) {
            self.connection = connection
        }

        mutating func write(_ d: Dataset) throws {
            for (i, s) in d.sources.enumerated() {
                try upsert(
                    "sources", at: "sources[\(i)]",
                    """
                    INSERT INTO quorum.source AS t (key, title, published, published_precision, symbol, publisher, url)
                    VALUES (\(s.key), \(s.title), \(s.published?.firstDay)::date,
                            \(s.published?.precision.rawValue)::quorum.date_precision, \(s.symbol), \(s.publisher), \(s.url))
                    ON CONFLICT (key) \(updateChanged("title", "published", "published_precision", "symbol", "publisher", "url"))
                    RETURNING xmax = 0
                    """)
            }
            for (i, o) in d.organisations.enumerated() {
                try upsert(
                    "organisations", at: "organisations[\(i)]",
                    """
                    INSERT INTO quorum.organisation AS t (code, name, names) VALUES (\(o.code), \(o.name), \(JSONText.object(o.names))::jsonb)
                    ON CONFLICT (code) \(updateChanged("name", "names"))
                    RETURNING xmax = 0
                    """)
            }
            for (i, c) in d.countries.enumerated() {
                try upsert(
                    "countries", at: "countries[\(i)]",
                    """
                    INSERT INTO quorum.country AS t (code, name) VALUES (\(c.code), \(c.name))
                    ON CONFLICT (code) \(updateChanged("name"))
                    RETURNING xmax = 0
                    """)
            }
            for (i, dim) in d.dimensions.enumerated() {
                try upsert(
                    "dimensions", at: "dimensions[\(i)]",
                    """
                    INSERT INTO quorum.dimension AS t (code, name, names) VALUES (\(dim.code), \(dim.name), \(JSONText.object(dim.names))::jsonb)
                    ON CONFLICT (code) \(updateChanged("name", "names"))
                    RETURNING xmax = 0
                    """)
            }
            try loadKeys()

            for (i, b) in d.bodies.enumerated() {
                guard let org = organisation(b.organisation, "bodies[\(i)].organisation") else { continue }
                try upsert(
                    "bodies", at: "bodies[\(i)]",
                    """
                    INSERT INTO quorum.body AS t (organisation_id, code, name, kind, names)
                    VALUES (\(org), \(b.code), \(b.name), \(b.kind.rawValue), \(JSONText.object(b.names))::jsonb)
                    ON CONFLICT (organisation_id, code) \(updateChanged("name", "kind", "names"))
                    RETURNING xmax = 0
                    """)
            }
            for (i, p) in d.priorityAreas.enumerated() {
                guard known(p.dimension, in: dimensions, "dimension", "priorityAreas[\(i)].dimension") else { continue }
                try upsert(
                    "priority areas", at: "priorityAreas[\(i)]",
                    """
                    INSERT INTO quorum.priority_area AS t (code, dimension_code, name, names)
                    VALUES (\(p.code), \(p.dimension), \(p.name), \(JSONText.object(p.names))::jsonb)
                    ON CONFLICT (code) \(updateChanged("dimension_code", "name", "names"))
                    RETURNING xmax = 0
                    """)
            }
            try loadKeys()

            for (i, c) in d.coordinators.enumerated() {
                let at = "coordinators[\(i)]"
                guard known(c.priorityArea, in: priorityAreas, "priority area", "\(at).priorityArea"),
                    known(c.country, in: countries, "country", "\(at).country"),
                    let source = source(c.source, "\(at).source")
                else { continue }
                try upsert(
                    "coordinators", at: at,
                    """
                    INSERT INTO quorum.coordinator AS t (priority_area_code, country_code, role, term, source_id, locator)
                    VALUES (\(c.priorityArea), \(c.country), \(c.role.rawValue), \(c.term), \(source), \(c.locator))
                    ON CONFLICT (priority_area_code, country_code, role) \(updateChanged("term", "source_id", "locator"))
                    RETURNING xmax = 0
                    """)
            }
            for (i, m) in d.memberships.enumerated() {
                let at = "memberships[\(i)]"
                guard let org = organisation(m.organisation, "\(at).organisation"),
                    known(m.country, in: countries, "country", "\(at).country"),
                    let source = source(m.source, "\(at).source")
                else { continue }
                try upsert(
                    "memberships", at: at,
                    """
                    INSERT INTO quorum.membership AS t (organisation_id, country_code, role, since, since_precision, source_id, locator,
                        derivation)
                    VALUES (\(org), \(m.country), \(m.role.rawValue)::quorum.membership_role, \(m.since.firstDay)::date,
                            \(m.since.precision.rawValue)::quorum.date_precision, \(source), \(m.locator), \(m.derivation))
                    ON CONFLICT (organisation_id, country_code, role) \(updateChanged("since", "since_precision", "source_id", "locator", "derivation"))
                    RETURNING xmax = 0
                    """)
            }
            for (i, m) in d.membershipCounts.enumerated() {
                let at = "membershipCounts[\(i)]"
                guard let org = organisation(m.organisation, "\(at).organisation"),
                    let source = source(m.source, "\(at).source")
                else { continue }
                try upsert(
                    "membership counts", at: at,
                    """
                    INSERT INTO quorum.membership_count AS t
                        (organisation_id, role, valid_from, from_precision, count, qualifier, source_id, locator, derivation, note)
                    VALUES (\(org), \(m.role.rawValue)::quorum.membership_role, \(m.from.firstDay)::date,
                            \(m.from.precision.rawValue)::quorum.date_precision, \(m.count),
                            \(m.qualifier.rawValue)::quorum.qualifier, \(source), \(m.locator), \(m.derivation), \(m.note))
                    ON CONFLICT (organisation_id, role, valid_from) \(updateChanged("from_precision", "count", "qualifier", "source_id", "locator", "derivation", "note"))
                    RETURNING xmax = 0
                    """)
            }
            for (i, e) in d.events.enumerated() { try write(e, at: "events[\(i)]") }
            for (i, t) in d.totals.enumerated() { try write(t, at: "totals[\(i)]") }
            for (i, m) in d.milestones.enumerated() { try write(m, at: "milestones[\(i)]") }
        }

        mutating func write(_ e: Dataset.Event, at: String) throws {
            guard let body = body(e.organisation, e.body, at),
                optional(e.country, in: countries, "country", "\(at).country"),
                optional(e.dimension, in: dimensions, "dimension", "\(at).dimension"),
                optional(e.priorityArea, in: priorityAreas, "priority area", "\(at).priorityArea"),
                let eventSource = source(e.source, "\(at).source")
            else { return }
            let row = try located(at) {
                try connection.query(
                    """
                    INSERT INTO quorum.event AS t (body_id, session, title, start_date, date_precision, end_date, city,
                        country_code, format, dimension_code, priority_area_code, status, source_id, locator, topics, titles)
                    VALUES (\(body), \(e.session), \(e.title), \(e.date.firstDay)::date,
                            \(e.date.precision.rawValue)::quorum.date_precision, \(e.endDate?.firstDay)::date, \(e.city),
                            \(e.country), \(e.format?.rawValue)::quorum.event_format, \(e.dimension), \(e.priorityArea),
                            \(e.status.rawValue)::quorum.event_status, \(eventSource), \(e.locator), \(TextArray(e.topics))::text[],
                            \(JSONText.object(e.titles))::jsonb)
                    ON CONFLICT (body_id, natural_key) \(updateChanged("title", "start_date", "date_precision", "end_date", "city", "country_code", "format", "dimension_code", "priority_area_code", "status", "source_id", "locator", "topics", "titles"))
                    RETURNING id, xmax = 0 AS inserted
                    """
                ).first
            }
            let event: Int64
            if let row {
                event = try row.require(Int64.self, "id")
                summary.add("events", inserted: try row.require(Bool.self, "inserted"))
            } else {
                event = try connection.query(
                    """
                    SELECT id FROM quorum.event WHERE body_id = \(body)
                    AND natural_key = quorum.event_key(\(e.session), \(e.date.firstDay)::date, \(e.title))
                    """
                ).first!.require(Int64.self, at: 0)
                summary.add("events", unchanged: 1)
            }

            for (j, f) in e.figures.enumerated() {
                guard let source = source(f.source, "\(at).figures[\(j)].source") else { continue }
                try upsert(
                    "figures", at: "\(at).figures[\(j)]",
                    """
                    INSERT INTO quorum.figure AS t (event_id, measure, value, qualifier, scope, source_id, locator, derivation, note)
                    VALUES (\(event), \(f.measure.rawValue), \(f.value), \(f.qualifier.rawValue)::quorum.qualifier,
                            \(f.scope.rawValue)::quorum.scope, \(source), \(f.locator), \(f.derivation), \(f.note))
                    ON CONFLICT (event_id, measure) \(updateChanged("value", "qualifier", "scope", "source_id", "locator", "derivation", "note"))
                    RETURNING xmax = 0
                    """)
            }
            for (j, a) in e.attendees.enumerated() {
                let place = "\(at).attendees[\(j)]"
                guard let source = source(a.source, "\(place).source") else { continue }
                var country: String?
                var org: Int64?
                switch a.kind {
                case .country:
                    guard known(a.code, in: countries, "country", "\(place).code") else { continue }
                    country = a.code
                case .organisation:
                    guard let id = organisation(a.code, "\(place).code") else { continue }
                    org = id
                }
                try upsert(
                    "attendees", at: place,
                    """
                    INSERT INTO quorum.attendee AS t (event_id, country_code, organisation_id, role, source_id, locator)
                    VALUES (\(event), \(country), \(org), \(a.role.rawValue), \(source), \(a.locator))
                    ON CONFLICT (event_id, coalesce(country_code, ''), coalesce(organisation_id, 0))
                    \(updateChanged("role", "source_id", "locator"))
                    RETURNING xmax = 0
                    """)
            }
        }

        mutating func write(_ t: Dataset.Total, at: String) throws {
            guard let org = organisation(t.organisation, "\(at).organisation"),
                optional(t.dimension, in: dimensions, "dimension", "\(at).dimension"),
                let source = source(t.source, "\(at).source")
            else { return }
            var body: Int64?
            if let code = t.body {
                guard let id = self.body(t.organisation, code, at) else { return }
                body = id
            }
            try upsert(
                "totals", at: at,
                """
                INSERT INTO quorum.total AS t (organisation_id, measure, label, value, qualifier, period_from, from_precision,
                    period_to, to_precision, body_id, dimension_code, source_id, locator, derivation, note)
                VALUES (\(org), \(t.measure), \(t.label), \(t.value), \(t.qualifier.rawValue)::quorum.qualifier,
                        \(t.from?.firstDay)::date, \(t.from?.precision.rawValue)::quorum.date_precision,
                        \(t.to?.firstDay)::date, \(t.to?.precision.rawValue)::quorum.date_precision,
                        \(body), \(t.dimension), \(source), \(t.locator), \(t.derivation), \(t.note))
                ON CONFLICT (organisation_id, measure, coalesce(period_from, '-infinity'), coalesce(period_to, 'infinity'))
                \(updateChanged("label", "value", "qualifier", "from_precision", "to_precision", "body_id", "dimension_code", "source_id", "locator", "derivation", "note"))
                RETURNING xmax = 0
                """)
        }

        mutating func write(_ m: Dataset.Milestone, at: String) throws {
            guard let org = organisation(m.organisation, "\(at).organisation"),
                optional(m.country, in: countries, "country", "\(at).country"),
                optional(m.priorityArea, in: priorityAreas, "priority area", "\(at).priorityArea"),
                let source = source(m.source, "\(at).source")
            else { return }
            try upsert(
                "milestones", at: at,
                """
                INSERT INTO quorum.milestone AS t (organisation_id, kind, subject, country_code, priority_area_code,
                    date_from, from_precision, date_to, to_precision, source_id, locator, derivation)
                VALUES (\(org), \(m.kind.rawValue), \(m.subject), \(m.country), \(m.priorityArea),
                        \(m.from?.firstDay)::date, \(m.from?.precision.rawValue)::quorum.date_precision,
                        \(m.to?.firstDay)::date, \(m.to?.precision.rawValue)::quorum.date_precision,
                        \(source), \(m.locator), \(m.derivation))
                ON CONFLICT (organisation_id, kind, subject, coalesce(country_code, ''))
                \(updateChanged("priority_area_code", "date_from", "from_precision", "date_to", "to_precision", "source_id", "locator", "derivation"))
                RETURNING xmax = 0
                """)
        }

        // MARK: References

        mutating func loadKeys() throws {
            sources = try pairs("SELECT key, id FROM quorum.source")
            organisations = try pairs("SELECT code, id FROM quorum.organisation")
            bodies = try pairs("SELECT o.code || '/' || b.code, b.id FROM quorum.body b JOIN quorum.organisation o ON o.id = b.organisation_id")
            countries = Set(try connection.query("SELECT code FROM quorum.country").map { try $0.require(String.self, at: 0) })
            dimensions = Set(try connection.query("SELECT code FROM quorum.dimension").map { try $0.require(String.self, at: 0) })
            priorityAreas = Set(try connection.query("SELECT code FROM quorum.priority_area").map { try $0.require(String.self, at: 0) })
        }

        func pairs(_ sql: SQL) throws -> [String: Int64] {
            var map: [String: Int64] = [:]
            for row in try connection.query(sql) { map[try row.require(String.self, at: 0)] = try row.require(Int64.self, at: 1) }
            return map
        }

        mutating func organisation(_ code: String, _ at: String) -> Int64? {
            if let id = organisations[code] { return id }
            issues.append(InputIssue(at, "unknown organisation '\(code)'"))
            return nil
        }

        mutating func body(_ organisation: String, _ code: String, _ at: String) -> Int64? {
            if let id = bodies["\(organisation)/\(code)"] { return id }
            issues.append(InputIssue("\(at).body", "unknown body '\(code)' of organisation '\(organisation)'"))
            return nil
        }

        mutating func source(_ key: String, _ at: String) -> Int64? {
            if let id = sources[key] { return id }
            issues.append(InputIssue(at, "unknown source '\(key)'"))
            return nil
        }

        mutating func known(_ code: String, in set: Set<String>, _ what: String, _ at: String) -> Bool {
            if set.contains(code) { return true }
            issues.append(InputIssue(at, "unknown \(what) '\(code)'"))
            return false
        }

        mutating func optional(_ code: String?, in set: Set<String>, _ what: String, _ at: String) -> Bool {
            guard let code else { return true }
            return known(code, in: set, what, at)
        }

        /// Upserts one row; the statement returns whether it inserted.
        mutating func upsert(_ kind: String, at: String, _ sql: SQL) throws {
            guard let row = try located(at, { try connection.query(sql).first }) else {
                summary.add(kind, unchanged: 1)
                return
            }
            summary.add(kind, inserted: try row.require(Bool.self, at: 0))
        }

        /// A constraint the database enforces, reported at the place in the file.
        func located<T>(_ at: String, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let error as PQError where !error.isConnectionFailure && !error.isCancellation {
                throw InvalidInput(file: "", issues: [InputIssue(at, error.message)])
            }
        }
    }
}
