import QuorumModel

/// Loads the CSV format (one participation figure per line) in one transaction:
/// every line is checked and streamed through COPY into a staging table, the
/// references are checked there, and only then are events and figures upserted.
/// A file with a single bad line loads nothing and names every bad line.
public struct FigureImporter {
    let connection: Connection
    /// Issues listed in full; beyond this many only their number is reported.
    public var issueLimit = 100

    public init(_ connection: Connection) {
        self.connection = connection
    }

    /// `progress` is called now and then with the number of lines read.
    public func run(_ reader: inout CSVReader, file: String,
                    progress: (Int) -> Void = { _ in }) throws -> ImportSummary {
        do {
            return try connection.transaction { connection in
                try stageAndUpsert(&reader, file: file, progress: progress)
            }
        } catch let error as CSVReader.SyntaxError {
            throw InvalidInput(file: file, issues: [InputIssue("line \(error.line)", error.message)])
        }
    }

    private func stageAndUpsert(_ reader: inout CSVReader, file: String,
                                progress: (Int) -> Void) throws -> ImportSummary {
        try connection.executeScript("""
            CREATE TEMP TABLE import_figure (
                line integer NOT NULL, organisation text NOT NULL, body text NOT NULL, session integer,
                title text NOT NULL, start_date date NOT NULL, date_precision quorum.date_precision NOT NULL,
                end_date date, city text, country text, format quorum.event_format, dimension text,
                priority_area text, measure text NOT NULL, value integer NOT NULL,
                qualifier quorum.qualifier NOT NULL, scope quorum.scope NOT NULL, source text NOT NULL,
                locator text NOT NULL, note text,
                natural_key text GENERATED ALWAYS AS (quorum.event_key(session, start_date, title)) STORED
            ) ON COMMIT DROP
            """)

        var issues: [InputIssue] = []
        var more = 0
        var lines = 0
        func report(_ issue: InputIssue) {
            if issues.count < issueLimit { issues.append(issue) } else { more += 1 }
        }

        guard let headerRecord = try reader.next() else {
            throw InvalidInput(file: file, issues: [InputIssue("line 1", "the file is empty; it needs a header line")])
        }
        let header: FigureRecord.Header
        do { header = try FigureRecord.Header(headerRecord.fields) } catch {
            throw InvalidInput(file: file, issues: [InputIssue("line \(headerRecord.line)", error.description)])
        }

        try connection.copyIn("""
            COPY import_figure (line, organisation, body, session, title, start_date, date_precision, end_date,
                city, country, format, dimension, priority_area, measure, value, qualifier, scope, source,
                locator, note) FROM STDIN
            """) { copy in
            while let record = try reader.next() {
                if record.fields == [""] { continue }  // a blank line
                lines += 1
                if lines % 10_000 == 0 { progress(lines) }
                let figure: FigureRecord
                do {
                    figure = try FigureRecord(fields: record.fields, header: header)
                } catch {
                    report(InputIssue("line \(record.line)", "\(error)"))
                    continue
                }
                // Once a line is bad nothing will be loaded: keep checking, stop copying.
                if issues.isEmpty { try copy.write(CopyText.line(record.line, figure)) }
            }
        }
        progress(lines)
        guard issues.isEmpty else { throw InvalidInput(file: file, issues: issues, more: more) }

        for issue in try referenceIssues() { report(issue) }
        guard issues.isEmpty else { throw InvalidInput(file: file, issues: issues, more: more) }

        var summary = ImportSummary()
        summary.rowsRead = lines
        do {
            let events = try counts("""
                WITH upserted AS (
                    INSERT INTO quorum.event AS t (body_id, session, title, start_date, date_precision, end_date,
                        city, country_code, format, dimension_code, priority_area_code)
                    SELECT DISTINCT ON (b.id, s.natural_key) b.id, s.session, s.title, s.start_date,
                        s.date_precision, s.end_date, s.city, s.country, s.format, s.dimension, s.priority_area
                    FROM import_figure s
                    JOIN quorum.organisation o ON o.code = s.organisation
                    JOIN quorum.body b ON b.organisation_id = o.id AND b.code = s.body
                    ORDER BY b.id, s.natural_key, s.line
                    ON CONFLICT (body_id, natural_key) \(updateChanged("title", "start_date", "date_precision",
                        "end_date", "city", "country_code", "format", "dimension_code", "priority_area_code"))
                    RETURNING xmax = 0 AS inserted)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
                """)
            summary.add("events", created: events.created, updated: events.updated)
            let figures = try counts("""
                WITH upserted AS (
                    INSERT INTO quorum.figure AS t (event_id, measure, value, qualifier, scope, source_id, locator, note)
                    SELECT e.id, s.measure, s.value, s.qualifier, s.scope, src.id, s.locator, s.note
                    FROM import_figure s
                    JOIN quorum.organisation o ON o.code = s.organisation
                    JOIN quorum.body b ON b.organisation_id = o.id AND b.code = s.body
                    JOIN quorum.event e ON e.body_id = b.id AND e.natural_key = s.natural_key
                    JOIN quorum.source src ON src.key = s.source
                    ON CONFLICT (event_id, measure) \(updateChanged("value", "qualifier", "scope", "source_id",
                        "locator", "note"))
                    RETURNING xmax = 0 AS inserted)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
                """)
            summary.add("figures", created: figures.created, updated: figures.updated,
                        unchanged: lines - figures.created - figures.updated)
        } catch let error as PQError where !error.isConnectionFailure {
            throw InvalidInput(file: file, issues: [InputIssue("file", error.message)])
        }
        return summary
    }

    private func counts(_ sql: SQL) throws -> (created: Int, updated: Int) {
        let row = try connection.query(sql).first!
        return (try row.require(Int.self, at: 0), try row.require(Int.self, at: 1))
    }

    /// References to unknown organisations, bodies, sources, countries, dimensions
    /// or priority areas; a figure given twice; an event described two ways.
    private func referenceIssues() throws -> [InputIssue] {
        let checks: [SQL] = [
            """
            SELECT s.line, 'unknown organisation ''' || s.organisation || '''' FROM import_figure s
            WHERE NOT EXISTS (SELECT 1 FROM quorum.organisation o WHERE o.code = s.organisation)
            """,
            """
            SELECT s.line, 'unknown body ''' || s.body || ''' of organisation ''' || s.organisation || ''''
            FROM import_figure s JOIN quorum.organisation o ON o.code = s.organisation
            WHERE NOT EXISTS (SELECT 1 FROM quorum.body b WHERE b.organisation_id = o.id AND b.code = s.body)
            """,
            """
            SELECT s.line, 'unknown source ''' || s.source || '''' FROM import_figure s
            WHERE NOT EXISTS (SELECT 1 FROM quorum.source x WHERE x.key = s.source)
            """,
            """
            SELECT s.line, 'unknown country ''' || s.country || '''' FROM import_figure s
            WHERE s.country IS NOT NULL AND NOT EXISTS (SELECT 1 FROM quorum.country c WHERE c.code = s.country)
            """,
            """
            SELECT s.line, 'unknown dimension ''' || s.dimension || '''' FROM import_figure s
            WHERE s.dimension IS NOT NULL AND NOT EXISTS (SELECT 1 FROM quorum.dimension d WHERE d.code = s.dimension)
            """,
            """
            SELECT s.line, 'unknown priority area ''' || s.priority_area || '''' FROM import_figure s
            WHERE s.priority_area IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM quorum.priority_area p WHERE p.code = s.priority_area)
            """,
            """
            SELECT max(line), 'repeats the ' || measure || ' figure of line ' || min(line) FROM import_figure
            GROUP BY organisation, body, natural_key, measure HAVING count(*) > 1
            """,
            """
            SELECT max(line), 'describes the event of line ' || min(line) || ' differently (title, dates, place, format, dimension or priority area)'
            FROM import_figure GROUP BY organisation, body, natural_key
            HAVING count(DISTINCT (title, start_date, date_precision, end_date, city, country, format, dimension,
                                   priority_area)) > 1
            """,
        ]
        var issues: [InputIssue] = []
        for check in checks {
            for row in try connection.query(SQL(check.text + " ORDER BY 1 LIMIT \(issueLimit)", binds: [])) {
                issues.append(InputIssue("line \(try row.require(Int.self, at: 0))", try row.require(String.self, at: 1)))
            }
        }
        return issues.sorted { $0.location.count == $1.location.count ? $0.location < $1.location : $0.location.count < $1.location.count }
    }
}

/// PostgreSQL's COPY text format: tab-separated, `\N` for NULL, backslash escapes.
enum CopyText {
    static func line(_ number: Int, _ f: FigureRecord) -> String {
        let fields: [String?] = [
            String(number), f.organisation, f.body, f.session.map(String.init), f.title, f.date.firstDay,
            f.date.precision.rawValue, f.endDate?.firstDay, f.city, f.country, f.format?.rawValue, f.dimension,
            f.priorityArea, f.measure.rawValue, String(f.value), f.qualifier.rawValue, f.scope.rawValue,
            f.source, f.locator, f.note,
        ]
        return fields.map { $0.map(escape) ?? "\\N" }.joined(separator: "\t") + "\n"
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
