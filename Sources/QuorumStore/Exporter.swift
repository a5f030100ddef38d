import QuorumModel

/// Reads the database back into the import formats, in a stable order, so that
/// an export imported again changes nothing and exporting twice gives the same bytes.
public struct Exporter {
    let connection: Connection

    public init(_ connection: Connection) {
        self.connection = connection
    }

    // MARK: CSV

    /// Streams every figure as a CSV line; memory stays flat for any number of rows.
    public func writeCSV(_ write: (String) throws -> Void) throws {
        try write(FigureRecord.headerLine)
        try connection.forEachRow(
            """
            SELECT o.code, b.code, e.session, e.title, e.start_date, e.date_precision, e.end_date, e.city,
                   e.country_code, e.format, e.dimension_code, e.priority_area_code, e.status, es.key, e.locator,
                   f.measure, f.value, f.qualifier, f.scope, s.key, f.locator, f.derivation, f.note, e.titles::text
            FROM quorum.figure f
            JOIN quorum.event e ON e.id = f.event_id
            JOIN quorum.source es ON es.id = e.source_id
            JOIN quorum.body b ON b.id = e.body_id
            JOIN quorum.organisation o ON o.id = b.organisation_id
            JOIN quorum.source s ON s.id = f.source_id
            ORDER BY o.code, b.code, e.start_date, e.session NULLS LAST, e.title, f.measure
            """
        ) { row in
            var event = try Exporter.event(row, offset: 0)
            event.titles = try JSONText.names(try row.require(String.self, at: 23))
            let figure = Dataset.Figure(
                measure: try word(row, 15), value: try row.require(Int.self, at: 16),
                qualifier: try word(row, 17), scope: try word(row, 18),
                source: try row.require(String.self, at: 19), locator: try row.require(String.self, at: 20),
                derivation: try row.decode(String.self, at: 21), note: try row.decode(String.self, at: 22))
            try write(CSVWriter.line(FigureRecord(event: event, figure: figure).cells))
        }
    }

    // MARK: JSON

    public func dataset() throws -> Dataset {
        var d = Dataset()
        d.sources = try connection.query(
            """
            SELECT key, title, published, published_precision, symbol, publisher, url FROM quorum.source ORDER BY key
            """
        ).map { r in
            Dataset.Source(
                key: try r.require(at: 0), title: try r.require(at: 1), published: try date(r, 2),
                symbol: try r.decode(at: 4), publisher: try r.decode(at: 5), url: try r.decode(at: 6))
        }
        d.organisations = try connection.query("SELECT code, name, names::text FROM quorum.organisation ORDER BY code").map {
            Dataset.Organisation(code: try $0.require(at: 0), name: try $0.require(at: 1), names: try JSONText.names(try $0.require(at: 2)))
        }
        d.countries = try connection.query("SELECT code, name FROM quorum.country ORDER BY code").map {
            Dataset.Country(code: try $0.require(at: 0), name: try $0.require(at: 1))
        }
        d.bodies = try connection.query(
            """
            SELECT o.code, b.code, b.name, b.kind, b.names::text FROM quorum.body b
            JOIN quorum.organisation o ON o.id = b.organisation_id ORDER BY o.code, b.code
            """
        ).map {
            Dataset.Body(
                organisation: try $0.require(at: 0), code: try $0.require(at: 1),
                name: try $0.require(at: 2), kind: try word($0, 3), names: try JSONText.names(try $0.require(at: 4)))
        }
        d.dimensions = try connection.query("SELECT code, name, names::text FROM quorum.dimension ORDER BY code").map {
            Dataset.Dimension(code: try $0.require(at: 0), name: try $0.require(at: 1), names: try JSONText.names(try $0.require(at: 2)))
        }
        d.priorityAreas = try connection.query(
            """
            SELECT code, dimension_code, name, names::text FROM quorum.priority_area ORDER BY code
            """
        ).map {
            Dataset.PriorityArea(
                code: try $0.require(at: 0), dimension: try $0.require(at: 1), name: try $0.require(at: 2),
                names: try JSONText.names(try $0.require(at: 3)))
        }
        d.coordinators = try connection.query(
            """
            SELECT c.priority_area_code, c.country_code, c.role, c.term, s.key, c.locator
            FROM quorum.coordinator c JOIN quorum.source s ON s.id = c.source_id
            ORDER BY c.priority_area_code, c.role, c.country_code
            """
        ).map {
            Dataset.Coordinator(
                priorityArea: try $0.require(at: 0), country: try $0.require(at: 1),
                role: try word($0, 2), term: try $0.decode(at: 3),
                source: try $0.require(at: 4), locator: try $0.require(at: 5))
        }
        d.memberships = try connection.query(
            """
            SELECT o.code, m.country_code, m.role, m.since, m.since_precision, s.key, m.locator, m.derivation
            FROM quorum.membership m JOIN quorum.organisation o ON o.id = m.organisation_id
            JOIN quorum.source s ON s.id = m.source_id ORDER BY o.code, m.role, m.country_code
            """
        ).map {
            Dataset.Membership(
                organisation: try $0.require(at: 0), country: try $0.require(at: 1),
                role: try word($0, 2), since: try date($0, 3)!,
                source: try $0.require(at: 5), locator: try $0.require(at: 6), derivation: try $0.decode(at: 7))
        }
        d.membershipCounts = try connection.query(
            """
            SELECT o.code, m.role, m.valid_from, m.from_precision, m.count, m.qualifier, s.key, m.locator, m.note, m.derivation
            FROM quorum.membership_count m JOIN quorum.organisation o ON o.id = m.organisation_id
            JOIN quorum.source s ON s.id = m.source_id ORDER BY o.code, m.role, m.valid_from
            """
        ).map {
            Dataset.MembershipCount(
                organisation: try $0.require(at: 0), role: try word($0, 1),
                from: try date($0, 2)!, count: try $0.require(at: 4),
                qualifier: try word($0, 5), source: try $0.require(at: 6),
                locator: try $0.require(at: 7), derivation: try $0.decode(at: 9), note: try $0.decode(at: 8))
        }
        d.events = try events()
        d.totals = try connection.query(
            """
            SELECT o.code, t.measure, t.label, t.value, t.qualifier, t.period_from, t.from_precision,
                   t.period_to, t.to_precision, b.code, t.dimension_code, s.key, t.locator, t.note, t.derivation
            FROM quorum.total t JOIN quorum.organisation o ON o.id = t.organisation_id
            LEFT JOIN quorum.body b ON b.id = t.body_id JOIN quorum.source s ON s.id = t.source_id
            ORDER BY o.code, t.measure, t.period_from NULLS FIRST, t.period_to NULLS LAST
            """
        ).map {
            Dataset.Total(
                organisation: try $0.require(at: 0), measure: try $0.require(at: 1),
                label: try $0.require(at: 2), value: try $0.require(at: 3), qualifier: try word($0, 4),
                from: try date($0, 5), to: try date($0, 7), body: try $0.decode(at: 9),
                dimension: try $0.decode(at: 10), source: try $0.require(at: 11),
                locator: try $0.require(at: 12), derivation: try $0.decode(at: 14), note: try $0.decode(at: 13))
        }
        d.milestones = try connection.query(
            """
            SELECT o.code, m.kind, m.subject, m.priority_area_code, m.country_code, m.date_from, m.from_precision,
                   m.date_to, m.to_precision, s.key, m.locator, m.derivation
            FROM quorum.milestone m JOIN quorum.organisation o ON o.id = m.organisation_id
            JOIN quorum.source s ON s.id = m.source_id
            ORDER BY o.code, m.kind, coalesce(m.date_from, m.date_to), m.subject, m.country_code NULLS FIRST
            """
        ).map {
            Dataset.Milestone(
                organisation: try $0.require(at: 0), kind: try word($0, 1), subject: try $0.require(at: 2),
                priorityArea: try $0.decode(at: 3), country: try $0.decode(at: 4),
                from: try date($0, 5), to: try date($0, 7),
                source: try $0.require(at: 9), locator: try $0.require(at: 10), derivation: try $0.decode(at: 11))
        }
        return d
    }

    private func events() throws -> [Dataset.Event] {
        var figures: [Int64: [Dataset.Figure]] = [:]
        for r in try connection.query(
            """
            SELECT f.event_id, f.measure, f.value, f.qualifier, f.scope, s.key, f.locator, f.note, f.derivation
            FROM quorum.figure f JOIN quorum.source s ON s.id = f.source_id ORDER BY f.event_id, f.measure
            """)
        {
            figures[try r.require(at: 0), default: []].append(
                Dataset.Figure(
                    measure: try word(r, 1), value: try r.require(at: 2), qualifier: try word(r, 3),
                    scope: try word(r, 4), source: try r.require(at: 5), locator: try r.require(at: 6),
                    derivation: try r.decode(at: 8), note: try r.decode(at: 7)))
        }
        var attendees: [Int64: [Dataset.Attendee]] = [:]
        for r in try connection.query(
            """
            SELECT a.event_id, CASE WHEN a.country_code IS NULL THEN 'organisation' ELSE 'country' END,
                   coalesce(a.country_code, o.code), a.role, s.key, a.locator
            FROM quorum.attendee a LEFT JOIN quorum.organisation o ON o.id = a.organisation_id
            JOIN quorum.source s ON s.id = a.source_id ORDER BY a.event_id, 2, 3
            """)
        {
            attendees[try r.require(at: 0), default: []].append(
                Dataset.Attendee(
                    kind: try word(r, 1), code: try r.require(at: 2), role: try word(r, 3),
                    source: try r.require(at: 4), locator: try r.require(at: 5)))
        }
        return try connection.query(
            """
            SELECT o.code, b.code, e.session, e.title, e.start_date, e.date_precision, e.end_date, e.city,
                   e.country_code, e.format, e.dimension_code, e.priority_area_code, e.status, es.key, e.locator,
                   e.id, array_to_json(e.topics), e.titles::text
            FROM quorum.event e JOIN quorum.body b ON b.id = e.body_id
            JOIN quorum.source es ON es.id = e.source_id
            JOIN quorum.organisation o ON o.id = b.organisation_id
            ORDER BY o.code, b.code, e.start_date, e.session NULLS LAST, e.title
            """
        ).map { row in
            var event = try Exporter.event(row, offset: 0)
            let id = try row.require(Int64.self, at: 15)
            event.topics = try JSONText.strings(try row.require(String.self, at: 16))
            event.titles = try JSONText.names(try row.require(String.self, at: 17))
            event.figures = figures[id] ?? []
            event.attendees = attendees[id] ?? []
            return event
        }
    }

    /// The event columns every export query selects first, in the same order.
    private static func event(_ row: Row, offset: Int) throws -> Dataset.Event {
        var event = Dataset.Event(
            organisation: try row.require(at: 0), body: try row.require(at: 1),
            session: try row.decode(at: 2), title: try row.require(at: 3), date: try date(row, 4)!,
            status: try word(row, 12), source: try row.require(at: 13), locator: try row.require(at: 14))
        event.endDate = try row.decode(String.self, at: 6).map { try PartialDate(firstDay: $0, precision: .day) }
        event.city = try row.decode(at: 7)
        event.country = try row.decode(at: 8)
        event.format = try row.decode(String.self, at: 9).map { try word($0) }
        event.dimension = try row.decode(at: 10)
        event.priorityArea = try row.decode(at: 11)
        return event
    }
}

/// A date column followed by its precision column.
private func date(_ row: Row, _ index: Int) throws -> PartialDate? {
    guard let day = try row.decode(String.self, at: index),
        let precision = try row.decode(String.self, at: index + 1)
    else { return nil }
    return try PartialDate(firstDay: day, precision: try word(precision))
}

private func word<T: RawRepresentable>(_ row: Row, _ index: Int) throws -> T where T.RawValue == String {
    try word(try row.require(String.self, at: index))
}

private func word<T: RawRepresentable>(_ text: String) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: text) else { throw PQError.decoding("unexpected value '\(text)'") }
    return value
}
