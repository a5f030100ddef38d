import QuorumModel
import QuorumStore

// Aggregates made in memory from body_year, which holds each body's participants
// per year with their qualifier: nothing needs to read the figures again.

/// An aggregate that cannot be made from what it is given.
public struct AggregateError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Tables {
    func require(_ name: String) throws -> AggregateTable {
        guard let table = self[name] else { throw AggregateError("aggregate \(name) is computed after what needs it") }
        return table
    }
}

extension Value {
    /// A qualifier column's value; no qualifier is an exact figure.
    var qualifier: Qualifier { text.flatMap(Qualifier.init(rawValue:)) ?? .exact }
}

enum YearOverYear {
    static func derive(from bodyYear: AggregateTable) throws -> AggregateTable {
        let (organisationAt, bodyAt, yearAt, participantsAt, qualifierAt) = try (
            bodyYear.position(of: "organisation"), bodyYear.position(of: "body"), bodyYear.position(of: "year"),
            bodyYear.position(of: "participants"), bodyYear.position(of: "participants_qualifier")
        )
        var rows: [[Value]] = []
        var previous: (organisation: Value, body: Value, year: Value, participants: Int64, qualifier: Qualifier)?
        for row in bodyYear.rows {
            guard let participants = row[participantsAt].integer else { continue }
            let (organisation, body, year) = (row[organisationAt], row[bodyAt], row[yearAt])
            let qualifier = row[qualifierAt].qualifier
            let before = previous.flatMap { $0.organisation == organisation && $0.body == body ? $0 : nil }
            var change = Value.null, percent = Value.null, changeQualifier = Value.null
            if let before {
                change = .integer(participants - before.participants)
                if before.participants != 0 {
                    percent = .number(tenthsRounded(1000 * (participants - before.participants), before.participants))
                }
                // At least N after exactly M: the change is at least N − M; any other
                // uncertainty on either side leaves only an approximate change.
                let qualifierOfChange: Qualifier =
                    switch (qualifier, before.qualifier) {
                    case (.exact, .exact): .exact
                    case (.atLeast, .exact): .atLeast
                    default: .approximately
                    }
                changeQualifier = .text(qualifierOfChange.rawValue)
            }
            rows.append([
                organisation, body, year, .integer(participants), .text(qualifier.rawValue),
                before?.year ?? .null, change, percent, changeQualifier,
            ])
            previous = (organisation, body, year, participants, qualifier)
        }
        return AggregateTable(
            name: AggregateDefinition.yearOverYear.name, description: AggregateDefinition.yearOverYear.description,
            columns: [
                "organisation", "body", "year", "participants", "qualifier", "previous_year", "change",
                "change_percent", "change_qualifier",
            ],
            rows: rows)
    }

    /// numerator / denominator in tenths, rounded half away from zero, as
    /// PostgreSQL's `round(numeric, 1)` does; exact for whole numbers.
    static func tenthsRounded(_ numerator: Int64, _ denominator: Int64) -> Double {
        let sign: Int64 = (numerator < 0) != (denominator < 0) ? -1 : 1
        let (n, d) = (abs(numerator), abs(denominator))
        let rounded = (2 * n + d) / (2 * d)
        return Double(sign * rounded) / 10
    }
}

enum OrganisationTotals {
    static func derive(from bodyYear: AggregateTable, _ connection: Connection) throws -> AggregateTable {
        let (organisationAt, yearAt, sessionsAt, reportedAt, participantsAt, qualifierAt) = try (
            bodyYear.position(of: "organisation"), bodyYear.position(of: "year"), bodyYear.position(of: "sessions"),
            bodyYear.position(of: "participants_reported"), bodyYear.position(of: "participants"),
            bodyYear.position(of: "participants_qualifier")
        )
        var totals: [String: Totals] = [:]
        for row in bodyYear.rows {
            guard let organisation = row[organisationAt].text, let year = row[yearAt].integer else { continue }
            // Updated in place: a copy taken out of the dictionary would be copied again on every row.
            totals[organisation, default: Totals()].add(
                sessions: row[sessionsAt].integer ?? 0, reported: row[reportedAt].integer ?? 0,
                participants: row[participantsAt].integer, qualifier: row[qualifierAt].qualifier, year: year)
        }
        let organisations = try connection.query(
            """
            SELECT o.code, o.name, count(*) FROM quorum.organisation o JOIN quorum.body b ON b.organisation_id = o.id
            GROUP BY o.id ORDER BY o.code COLLATE "C"
            """)
        return AggregateTable(
            name: AggregateDefinition.organisationTotals.name,
            description: AggregateDefinition.organisationTotals.description,
            columns: [
                "organisation", "name", "bodies", "events", "events_with_participants", "participants",
                "participants_qualifier", "first_year", "last_year",
            ],
            rows: try organisations.map { row in
                let code: String = try row.require(at: 0)
                let entry = totals[code] ?? Totals()
                return [
                    .text(code), .text(try row.require(at: 1)), .integer(try row.require(at: 2)),
                    .integer(entry.events), .integer(entry.withParticipants),
                    entry.participants.map(Value.integer) ?? .null,
                    entry.participants == nil ? .null : .text(entry.qualifier.rawValue),
                    entry.firstYear.map(Value.integer) ?? .null, entry.lastYear.map(Value.integer) ?? .null,
                ]
            })
    }
}

/// One organisation's running totals over its body_year rows.
private struct Totals {
    var events: Int64 = 0, withParticipants: Int64 = 0, participants: Int64?
    var qualifier = Qualifier.exact
    var firstYear: Int64?, lastYear: Int64?

    mutating func add(sessions: Int64, reported: Int64, participants: Int64?, qualifier: Qualifier, year: Int64) {
        events += sessions
        withParticipants += reported
        if let participants {
            self.participants = (self.participants ?? 0) + participants
            self.qualifier = Qualifier.combined([self.qualifier, qualifier])
        }
        firstYear = min(firstYear ?? year, year)
        lastYear = max(lastYear ?? year, year)
    }
}

extension AggregateTable {
    func position(of column: String) throws -> Int {
        guard let index = columns.firstIndex(of: column) else {
            throw AggregateError("aggregate \(name) has no column \(column)")
        }
        return index
    }
}
