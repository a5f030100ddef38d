import Foundation
import QuorumModel

/// Loads the CSV format (one participation figure per line) in one transaction.
///
/// Every line is checked — its form, its references (organisations, bodies,
/// sources, countries, dimensions and priority areas are small tables, loaded up
/// front), a figure given twice, an event described two ways — and a file with a
/// single bad line loads nothing and names every bad line. The file is read once:
/// events are kept in memory, one per event; figures wait in a temporary file
/// until their events are written, so memory grows with the number of events,
/// not of lines.
public struct FigureImporter {
    let connection: Connection
    /// Issues listed in full; beyond this many only their number is reported.
    public var issueLimit = 100
    /// Where the figures wait for their events: the system's temporary directory
    /// ($TMPDIR), unless given.
    public var temporaryDirectory = FileManager.default.temporaryDirectory.path

    public init(_ connection: Connection) {
        self.connection = connection
    }

    /// Imports the CSV that `source` reads. `progress` is called now and then
    /// with the number of lines read, and once more when the whole file is read.
    public func run(_ source: FigureLines, file: String, progress: (Int) -> Void = { _ in }) throws -> ImportSummary {
        do {
            let summary = try connection.transaction { _ in try load(source, file: file, progress: progress) }
            connection.refreshStatistics(after: summary)
            return summary
        } catch let error as CSVReader.SyntaxError {
            throw InvalidInput(file: file, issues: [InputIssue("line \(error.line)", error.message)])
        }
    }

    /// One pass over the file, then the figures.
    ///
    /// An event of a body that has none yet cannot exist: it gets an id when the
    /// pass first meets it and goes straight into quorum.event with COPY, so the
    /// server writes the events while the next lines are checked. Its figures
    /// are spooled with that id and follow with COPY, the way `psql \copy` loads
    /// them. Events of bodies that have some already are upserted by natural key
    /// after the pass, and their figures upserted through a staging table.
    /// Nothing is written once a line has failed, and the failure aborts the COPY.
    private func load(_ source: FigureLines, file: String, progress: (Int) -> Void) throws -> ImportSummary {
        let references = try References(connection)
        let bodiesWithEvents = Set(
            try connection.query(
                """
                SELECT b.id FROM quorum.body b WHERE EXISTS (SELECT 1 FROM quorum.event e WHERE e.body_id = b.id)
                """
            ).map { try $0.require(Int64.self, at: 0) })
        var events = EventTable()
        var newIDs = EventIDs(connection)
        // By event number: the id of an event this pass creates, 0 for one to upsert.
        var ids: [Int64] = []
        var direct = try Spool(in: temporaryDirectory), staged = try Spool(in: temporaryDirectory)
        var lines = 0
        let createdEvents = try refusalsAsIssues(of: file) {
            try connection.copyIn(
                """
                COPY quorum.event (id, body_id, session, title, start_date, date_precision, end_date, city,
                    country_code, format, dimension_code, priority_area_code, status, source_id, locator, titles) FROM STDIN
                """
            ) { copy in
                var issues: [InputIssue] = []
                var more = 0
                try source.forEach { line, record in
                    lines += 1
                    if lines % 10_000 == 0 { progress(lines) }
                    let figure: FigureRecord, event: (number: Int32, isNew: Bool), sourceID: Int64, body: Int64
                    do {
                        figure = try record.get()
                        let eventSource: Int64
                        (body, sourceID, eventSource) = try references.resolve(figure)
                        try references.checkWithinMembership(figure)
                        event = try events.add(figure, body: body, source: eventSource, line: line)
                    } catch {
                        if issues.count < issueLimit { issues.append(InputIssue("line \(line)", "\(error)")) } else { more += 1 }
                        return
                    }
                    // After a failure nothing more is written, so `ids` may stop short.
                    guard issues.isEmpty else { return }
                    let number = Int(event.number)
                    if event.isNew {
                        let id = bodiesWithEvents.contains(body) ? 0 : try newIDs.next()
                        ids.append(id)
                        if id != 0 { try copy.row(CopyText.event(id, events.all[number], events.provenance[number])) }
                    }
                    if ids[number] != 0 {
                        try CopyText.figure(event: ids[number], figure, source: sourceID, into: &direct)
                    } else {
                        try CopyText.figure(event: Int64(number), figure, source: sourceID, into: &staged)
                    }
                }
                // Thrown inside the COPY, which aborts it: nothing of the file stays.
                guard issues.isEmpty else { throw InvalidInput(file: file, issues: issues, more: more) }
            }
        }
        progress(lines)

        return try refusalsAsIssues(of: file) {
            var summary = ImportSummary()
            let existing = ids.indices.filter { ids[$0] == 0 }
            var upserted = (created: 0, updated: 0)
            if !existing.isEmpty { upserted = try upsertEvents(existing, of: events) }
            summary.add(
                "events", created: createdEvents + upserted.created, updated: upserted.updated,
                unchanged: existing.count - upserted.created - upserted.updated)

            var figures = (created: 0, updated: 0)
            if !direct.isEmpty {
                figures.created = try connection.copyIn(
                    """
                    COPY quorum.figure (event_id, measure, value, qualifier, scope, source_id, locator, derivation, note) FROM STDIN
                    """
                ) { try direct.send(into: &$0) }
            }
            if !staged.isEmpty {
                let upserted = try upsertFigures(staged)
                figures.created += upserted.created
                figures.updated = upserted.updated
            }
            summary.add(
                "figures", created: figures.created, updated: figures.updated,
                unchanged: lines - figures.created - figures.updated)
            return summary
        }
    }

    /// Runs `body`; what the database refuses in it (a constraint, a trigger) is a problem of the file.
    private func refusalsAsIssues<T>(of file: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PQError where !error.isConnectionFailure {
            throw InvalidInput(file: file, issues: [InputIssue("file", error.message)])
        }
    }

    /// Stages the events of bodies that have some already and upserts them by
    /// natural key; leaves `import_event_id`, each staged event's number and id.
    private func upsertEvents(_ indices: [Int], of events: EventTable) throws -> (created: Int, updated: Int) {
        try connection.executeScript(
            """
            CREATE TEMP TABLE import_event (
                event integer NOT NULL, body_id bigint NOT NULL, session integer, title text NOT NULL,
                start_date date NOT NULL, date_precision quorum.date_precision NOT NULL, end_date date,
                city text, country_code text, format quorum.event_format, dimension_code text,
                priority_area_code text, status quorum.event_status NOT NULL, source_id bigint NOT NULL,
                locator text NOT NULL, titles jsonb NOT NULL
            ) ON COMMIT DROP
            """)
        try connection.copyIn(
            """
            COPY import_event (event, body_id, session, title, start_date, date_precision, end_date, city,
                country_code, format, dimension_code, priority_area_code, status, source_id, locator, titles) FROM STDIN
            """
        ) { copy in
            for event in indices { try copy.row(CopyText.event(Int64(event), events.all[event], events.provenance[event])) }
        }
        // A file without title_ru and title_zh leaves the events' translations as they are.
        let columns =
            [
                "title", "start_date", "date_precision", "end_date", "city", "country_code", "format", "dimension_code", "priority_area_code",
                "status", "source_id", "locator",
            ] + (events.givesTitles ? ["titles"] : [])
        let upserted = try counts(
            """
            WITH upserted AS (
                INSERT INTO quorum.event AS t (body_id, session, title, start_date, date_precision, end_date,
                    city, country_code, format, dimension_code, priority_area_code, status, source_id, locator, titles)
                SELECT body_id, session, title, start_date, date_precision, end_date, city, country_code,
                       format, dimension_code, priority_area_code, status, source_id, locator, titles
                FROM import_event ORDER BY event
                ON CONFLICT (body_id, natural_key) \(updateChanged(columns))
                RETURNING xmax = 0 AS inserted)
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
            """)
        try connection.executeScript(
            """
            CREATE TEMP TABLE import_event_id (event integer PRIMARY KEY, id bigint NOT NULL) ON COMMIT DROP;
            INSERT INTO import_event_id
            SELECT i.event, e.id FROM import_event i
            JOIN quorum.event e ON e.body_id = i.body_id AND e.natural_key = quorum.event_key(i.session, i.start_date, i.title)
            """)
        return upserted
    }

    /// Upserts the spooled figures of upserted events by natural key.
    private func upsertFigures(_ spool: Spool) throws -> (created: Int, updated: Int) {
        try connection.executeScript(
            """
            CREATE TEMP TABLE import_figure (
                event integer NOT NULL, measure text NOT NULL, value integer NOT NULL,
                qualifier quorum.qualifier NOT NULL, scope quorum.scope NOT NULL, source_id bigint NOT NULL,
                locator text NOT NULL, derivation text, note text
            ) ON COMMIT DROP;
            -- The join below hashes one row per event; keep that table in memory.
            SET LOCAL work_mem = '64MB'
            """)
        try connection.copyIn(
            """
            COPY import_figure (event, measure, value, qualifier, scope, source_id, locator, derivation, note) FROM STDIN
            """
        ) { try spool.send(into: &$0) }
        return try counts(
            """
            WITH upserted AS (
                INSERT INTO quorum.figure AS t (event_id, measure, value, qualifier, scope, source_id, locator, derivation, note)
                SELECT e.id, f.measure, f.value, f.qualifier, f.scope, f.source_id, f.locator, f.derivation, f.note
                FROM import_figure f JOIN import_event_id e USING (event)
                ON CONFLICT (event_id, measure) \(updateChanged("value", "qualifier", "scope", "source_id",
                    "locator", "derivation", "note"))
                RETURNING xmax = 0 AS inserted)
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
            """)
    }

    private func counts(_ sql: SQL) throws -> (created: Int, updated: Int) {
        let row = try connection.query(sql).first!
        return (try row.require(Int.self, at: 0), try row.require(Int.self, at: 1))
    }
}

/// The small tables a CSV line refers to, loaded once per import.
private struct References {
    var organisations: Set<String> = []
    /// Body ids by organisation code, then body code (no key string built per line).
    var bodies: [String: [String: Int64]] = [:]
    var sources: [String: Int64] = [:]
    var countries: Set<String> = []
    var dimensions: Set<String> = []
    var priorityAreas: Set<String> = []
    /// Member counts by organisation code, each in force from its `YYYY-MM-DD` on, in date order.
    var memberCounts: [String: [(from: String, count: Int)]] = [:]

    init(_ connection: Connection) throws {
        func strings(_ sql: SQL) throws -> Set<String> {
            Set(try connection.query(sql).map { try $0.require(String.self, at: 0) })
        }
        organisations = try strings("SELECT code FROM quorum.organisation")
        countries = try strings("SELECT code FROM quorum.country")
        dimensions = try strings("SELECT code FROM quorum.dimension")
        priorityAreas = try strings("SELECT code FROM quorum.priority_area")
        for row in try connection.query(
            """
            SELECT o.code, b.code, b.id FROM quorum.body b JOIN quorum.organisation o ON o.id = b.organisation_id
            """)
        { bodies[try row.require(at: 0), default: [:]][try row.require(at: 1)] = try row.require(at: 2) }
        for row in try connection.query("SELECT key, id FROM quorum.source") {
            sources[try row.require(at: 0)] = try row.require(at: 1)
        }
        for row in try connection.query(
            """
            SELECT o.code, to_char(c.valid_from, 'YYYY-MM-DD'), c.count FROM quorum.membership_count c
            JOIN quorum.organisation o ON o.id = c.organisation_id WHERE c.role = 'member' ORDER BY c.valid_from
            """)
        { memberCounts[try row.require(at: 0), default: []].append((try row.require(at: 1), try row.require(at: 2))) }
    }

    /// The rule of the database's trigger `figure_member_states_within_membership`,
    /// checked here so that a refusal names the line: no event is attended by
    /// more member states than its organisation had then, "then" being the last
    /// day of a date known only to the month or year.
    func checkWithinMembership(_ figure: FigureRecord) throws(FieldError) {
        guard figure.measure == .memberStates, figure.scope == .memberStates else { return }
        let periodEnd = figure.date.lastDay
        guard let members = memberCounts[figure.organisation]?.last(where: { $0.from <= periodEnd })?.count,
            figure.value > members
        else { return }
        throw FieldError("value: \(figure.value) member states, but organisation '\(figure.organisation)' had \(members) members on \(periodEnd)")
    }

    /// The ids of the body, the figure's source and the event's source, or every unknown reference of the line.
    func resolve(_ figure: FigureRecord) throws(FieldError) -> (body: Int64, source: Int64, eventSource: Int64) {
        var problems: [String] = []
        let body = bodies[figure.organisation]?[figure.body]
        if !organisations.contains(figure.organisation) {
            problems.append("unknown organisation '\(figure.organisation)'")
        } else if body == nil {
            problems.append("unknown body '\(figure.body)' of organisation '\(figure.organisation)'")
        }
        let source = sources[figure.source]
        if source == nil { problems.append("unknown source '\(figure.source)'") }
        let eventSource = figure.eventSource == figure.source ? source : sources[figure.eventSource]
        if eventSource == nil, figure.eventSource != figure.source {
            problems.append("unknown event_source '\(figure.eventSource)'")
        }
        if let country = figure.country, !countries.contains(country) { problems.append("unknown country '\(country)'") }
        if let dimension = figure.dimension, !dimensions.contains(dimension) { problems.append("unknown dimension '\(dimension)'") }
        if let area = figure.priorityArea, !priorityAreas.contains(area) { problems.append("unknown priority area '\(area)'") }
        guard let body, let source, let eventSource, problems.isEmpty else { throw FieldError(problems.joined(separator: "; ")) }
        return (body, source, eventSource)
    }
}

/// The events of a file, each once, numbered in order of first appearance.
private struct EventTable {
    struct Event: Equatable {
        var body: Int64
        var session: Int?
        var title: String
        var titles: [String: String]?
        var date: PartialDate
        var endDate: PartialDate?
        var city: String?
        var country: String?
        var format: EventFormat?
        var dimension: String?
        var priorityArea: String?
        var status: EventStatus
    }

    /// Who reports an event: the first of its lines decides.
    struct Provenance {
        var source: Int64
        var locator: String
    }

    /// The natural key, as quorum.event_key spells it in the database.
    enum Key: Hashable {
        case session(body: Int64, number: Int)
        case dated(body: Int64, firstDay: String, title: String)
    }

    static let measures = Measure.allCases
    private(set) var all: [Event] = []
    /// Whether the file has the translated titles' columns (then every line does).
    var givesTitles: Bool { all.first?.titles != nil }
    private(set) var provenance: [Provenance] = []
    private var lines: [Int] = []
    private var numbers: [Key: Int32] = [:]
    /// At event number × 8 + measure, the line of that figure (0: not seen), to catch one given twice.
    private var figureLines: [Int] = []

    private func key(_ figure: FigureRecord, body: Int64) -> Key {
        figure.session.map { Key.session(body: body, number: $0) }
            ?? .dated(body: body, firstDay: figure.date.firstDay, title: figure.title)
    }

    /// The event's number; an error if the line describes a known event differently
    /// or repeats one of its figures.
    mutating func add(_ figure: FigureRecord, body: Int64, source: Int64, line: Int) throws(FieldError) -> (number: Int32, isNew: Bool) {
        let event = Event(
            body: body, session: figure.session, title: figure.title, titles: figure.titles, date: figure.date,
            endDate: figure.endDate, city: figure.city, country: figure.country, format: figure.format,
            dimension: figure.dimension, priorityArea: figure.priorityArea, status: figure.status)
        let key = key(figure, body: body)
        let number: Int32
        let known = numbers[key]
        if let known {
            guard all[Int(known)] == event else {
                throw FieldError(
                    "describes the event of line \(lines[Int(known)]) differently (title, its translations, dates, place, format, dimension, priority area or status)"
                )
            }
            number = known
        } else {
            number = Int32(all.count)
            numbers[key] = number
            all.append(event)
            provenance.append(Provenance(source: source, locator: figure.eventLocator))
            lines.append(line)
            figureLines.append(contentsOf: repeatElement(0, count: 8))
        }
        let slot = Int(number) * 8 + EventTable.measures.firstIndex(of: figure.measure)!
        let first = figureLines[slot]
        if first != 0 { throw FieldError("repeats the \(figure.measure.rawValue) figure of line \(first)") }
        figureLines[slot] = line
        return (number, known == nil)
    }
}

/// Ids for the events an import creates, drawn from quorum.event's sequence in
/// growing blocks. They are drawn on a session of their own, because the
/// import's session is in the middle of a COPY whenever it needs one; like any
/// sequence value, an id drawn is never given out again, even if the import fails.
private struct EventIDs {
    let connection: Connection
    private var session: Connection?
    private var block: [Int64] = []
    private var used = 0

    init(_ connection: Connection) {
        self.connection = connection
    }

    mutating func next() throws -> Int64 {
        if used == block.count {
            let session = try self.session ?? connection.openAnother()
            self.session = session
            let size = min(max(2 * block.count, 1024), 65_536)
            block = try session.query("SELECT nextval('quorum.event_id_seq') FROM generate_series(1, \(size))")
                .map { try $0.require(Int64.self, at: 0) }
            used = 0
        }
        defer { used += 1 }
        return block[used]
    }
}

/// PostgreSQL's COPY text format: tab-separated, `\N` for NULL, backslash escapes.
enum CopyText {
    /// A staging line written field by field into the COPY buffer, with no string built in between.
    static func figure(event: Int64, _ f: FigureRecord, source: Int64, into copy: inout some CopySink) throws {
        copy.append(String(event))
        copy.append("\t")
        copy.append(f.measure.rawValue)
        copy.append("\t")
        copy.append(String(f.value))
        copy.append("\t")
        copy.append(f.qualifier.rawValue)
        copy.append("\t")
        copy.append(f.scope.rawValue)
        copy.append("\t")
        copy.append(String(source))
        copy.append("\t")
        copy.append(escape(f.locator))
        copy.append("\t")
        copy.append(f.derivation.map(escape) ?? "\\N")
        copy.append("\t")
        copy.append(f.note.map(escape) ?? "\\N")
        try copy.write("\n")
    }

    /// An event's columns, its number in the file or its id first.
    fileprivate static func event(_ first: Int64, _ e: EventTable.Event, _ p: EventTable.Provenance) -> [String?] {
        [
            String(first), String(e.body), e.session.map { String($0) }, e.title, e.date.firstDay,
            e.date.precision.rawValue, e.endDate?.firstDay, e.city, e.country, e.format?.rawValue, e.dimension,
            e.priorityArea, e.status.rawValue, String(p.source), p.locator, JSONText.object(e.titles),
        ]
    }

    static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return value }
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
