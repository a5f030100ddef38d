import QuorumModel
import QuorumStore

// The aggregates over events, made from the partial aggregates of each (body,
// year) group. Each says exactly what its SQL in AggregateDefinition+BuiltIn
// says (a test holds them to it); the SQL is what psql runs for comparison.

/// The names the rows show, read from the small tables once per run.
struct GroupLabels {
    struct Body {
        let organisationID: Int64
        let organisation: String
        let code: String
        let name: String
    }

    let bodies: [Int64: Body]
    /// Each body's place in the order of the rows: by organisation code, then body code, in bytes.
    let bodyRanks: [Int64: Int]
    let sources: [Int64: String]
    let dimensions: [String: String]

    init(_ connection: Connection) throws {
        var bodies: [Int64: Body] = [:]
        for row in try connection.query(
            """
            SELECT b.id, o.id, o.code, b.code, b.name FROM quorum.body b JOIN quorum.organisation o ON o.id = b.organisation_id
            """)
        {
            bodies[try row.require(at: 0)] = Body(
                organisationID: try row.require(at: 1), organisation: try row.require(at: 2),
                code: try row.require(at: 3), name: try row.require(at: 4))
        }
        var sources: [Int64: String] = [:]
        for row in try connection.query("SELECT id, key FROM quorum.source") { sources[try row.require(at: 0)] = try row.require(at: 1) }
        var dimensions: [String: String] = [:]
        for row in try connection.query("SELECT code, name FROM quorum.dimension") { dimensions[try row.require(at: 0)] = try row.require(at: 1) }
        (self.bodies, self.sources, self.dimensions) = (bodies, sources, dimensions)
        let ordered = bodies.sorted { a, b in
            a.value.organisation != b.value.organisation
                ? a.value.organisation.precedesInBytes(b.value.organisation) : a.value.code.precedesInBytes(b.value.code)
        }
        bodyRanks = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($0.element.key, $0.offset) })
    }

    func body(_ key: EventGroup.Key) throws -> Body {
        guard let body = bodies[key.body] else { throw AggregateError("events of body \(key.body), which does not exist") }
        return body
    }

    /// Each organisation's member count at the end of each year.
    /// Each organisation's member count at the end of each year, and how Quorum
    /// derived that count where the document does not state it.
    func members(_ pairs: Set<OrganisationYear>, _ connection: Connection) throws -> [OrganisationYear: Members] {
        var members: [OrganisationYear: Members] = [:]
        for row in try connection.query(
            """
            SELECT g.organisation, g.year, m.count, m.derivation
            FROM unnest(\(TextArray(pairs.map { String($0.organisation) }))::bigint[],
                        \(TextArray(pairs.map { String($0.year) }))::int[]) g(organisation, year)
            LEFT JOIN LATERAL (SELECT count, derivation FROM quorum.membership_count
                               WHERE organisation_id = g.organisation AND role = 'member' AND valid_from <= make_date(g.year, 12, 31)
                               ORDER BY valid_from DESC LIMIT 1) m ON true
            """)
        {
            let pair = OrganisationYear(organisation: try row.require(at: 0), year: try row.require(at: 1))
            members[pair] = Members(count: try row.decode(at: 2), derivation: try row.decode(at: 3))
        }
        return members
    }

    struct Members {
        let count: Int64?
        let derivation: String?
    }

    struct OrganisationYear: Hashable {
        let organisation: Int64
        let year: Int
    }
}

extension String {
    /// Byte order, as `COLLATE "C"` sorts.
    func precedesInBytes(_ other: String) -> Bool { utf8.lexicographicallyPrecedes(other.utf8) }
}

/// What an aggregate over events is made from.
struct GroupInput {
    let groups: EventGroups
    let labels: GroupLabels
    let connection: Connection
    /// In an incremental run, the groups it changed and the snapshot it started
    /// from, whose rows of every other group still hold: reference data (names,
    /// sources, memberships) cannot change without making the run a full one.
    let changed: Set<EventGroup.Key>?
    let base: Snapshot?
}

enum GroupAggregates {
    static func bodyYear(_ input: GroupInput) throws -> AggregateTable {
        let (groups, labels) = (input.groups, input.labels)
        let definition = AggregateDefinition.bodyYear
        let columns = [
            "organisation", "body", "body_name", "year", "sessions", "participants", "participants_qualifier",
            "participants_reported", "participants_mean", "participants_median", "participants_min", "participants_max",
            "member_states", "member_states_qualifier", "member_states_basis", "member_states_scope", "members",
            "member_share", "organisations", "organisations_qualifier", "sources",
            "participants_derivation", "member_states_derivation", "organisations_derivation", "members_derivation",
        ]
        var rows: [EventGroup.Key: [Value]] = [:]
        if let changed = input.changed, let previous = input.base?[definition.name], previous.columns == columns {
            let bodyIDs = Dictionary(uniqueKeysWithValues: labels.bodies.map { ([$0.value.organisation, $0.value.code], $0.key) })
            // Rows come body by body, so the body's id is looked up once per body.
            var current: (organisation: String, body: String, id: Int64?) = ("", "", nil)
            for row in previous.rows {
                guard case .text(let organisation) = row[0], case .text(let body) = row[1], case .integer(let year) = row[3]
                else { continue }
                if organisation != current.organisation || body != current.body {
                    current = (organisation, body, bodyIDs[[organisation, body]])
                }
                guard let id = current.id else { continue }
                let key = EventGroup.Key(body: id, year: Int(year))
                if !changed.contains(key) { rows[key] = row }
            }
        }
        let fresh = groups.groups.keys.filter { rows[$0] == nil }
        let members = try labels.members(
            Set(try fresh.map { .init(organisation: try labels.body($0).organisationID, year: $0.year) }),
            input.connection)
        for key in fresh {
            let body = try labels.body(key)
            let group = groups.groups[key]!
            var row: [Value] = [
                .text(body.organisation), .text(body.code), .text(body.name), .integer(Int64(key.year)),
                .integer(Int64(group.sessions)),
            ]
            row.reserveCapacity(columns.count)
            participants(group, into: &row)
            let membership = members[.init(organisation: body.organisationID, year: key.year)]
            memberStates(group, members: membership?.count, into: &row)
            organisations(group, into: &row)
            row.append(
                group.participants.isEmpty
                    ? .null
                    : .text(
                        group.participantsSources
                            .map { labels.sources[$0] ?? "" }.sorted { $0.precedesInBytes($1) }.joined(separator: " ")))
            row.append(group.participantsDerived ? .text(Derivation.derivedFigure) : .null)
            row.append(memberStatesDerivation(group).map(Value.text) ?? .null)
            row.append(organisationsDerivation(group).map(Value.text) ?? .null)
            row.append(membership?.derivation.map(Value.text) ?? .null)
            rows[key] = row
        }
        // Sorted by one number (the body's rank, then the year), so no string is compared.
        let rank = labels.bodyRanks
        let order = groups.groups.keys.map { key in (order: ((rank[key.body] ?? 0) << 32) + key.year + (1 << 31), key: key) }
            .sorted { $0.order < $1.order }
        return AggregateTable(
            name: definition.name, description: definition.description, columns: columns,
            rows: order.map { rows[$0.key]! })
    }

    /// participants, its qualifier, reported, mean, median, min and max.
    private static func participants(_ group: EventGroup, into row: inout [Value]) {
        let values = group.participants
        guard let first = values.first, let last = values.last else {
            row.append(contentsOf: repeatElement(.null, count: 7))
            return
        }
        let total = Int64(values.reduce(0, +))
        let middle = values.count / 2
        let median =
            values.count % 2 == 1
            ? Double(values[middle]) : Double(values[middle - 1]) + Double(values[middle] - values[middle - 1]) * 0.5
        let qualifier: Qualifier = group.participantsApproximate ? .approximately : group.participantsAtLeast ? .atLeast : .exact
        row.append(.integer(total))
        row.append(.text(qualifier.rawValue))
        row.append(.integer(Int64(values.count)))
        row.append(Value.number(decimalRounded(total, Int64(values.count), places: 1)).stored)
        row.append(Value.number(median).stored)
        row.append(.integer(Int64(first)))
        row.append(.integer(Int64(last)))
    }

    /// member_states, its qualifier, basis and scope, the members then, and their share.
    ///
    /// Where every session names its member states, their union; otherwise the
    /// largest of the counts and the union, a lower bound — unless one session
    /// reported one figure, which is then shown as reported.
    private static func memberStates(_ group: EventGroup, members: Int64?, into row: inout [Value]) {
        let named = group.namedStateEvents.isEmpty ? nil : Int64(group.namedStates.count)
        let everySessionNamed = group.namedStateEvents.count == group.sessions
        let largest = group.memberStatesLargest
        let count: Int64?, qualifier: Qualifier?, basis: String?
        if everySessionNamed {
            (count, qualifier, basis) = (named, .exact, "union of named states")
        } else if largest == nil && named == nil {
            (count, qualifier, basis) = (nil, nil, nil)
        } else {
            count = max(named ?? 0, largest.map { Int64($0.value) } ?? 0)
            if group.sessions == 1, group.memberStatesReported == 1, named == nil, let largest {
                (qualifier, basis) = (largest.qualifier, "reported")
            } else {
                (qualifier, basis) = (.atLeast, "largest count (lower bound)")
            }
        }
        let scope: String? =
            everySessionNamed || (largest != nil && group.memberStatesPure)
            ? "member_states" : group.memberStatesScope
        var share = Value.null
        if scope == "member_states", let count, let members, members != 0 {
            share = Value.number(decimalRounded(count, members, places: 3)).stored
        }
        row.append(count.map(Value.integer) ?? .null)
        row.append(qualifier.map { .text($0.rawValue) } ?? .null)
        row.append(basis.map(Value.text) ?? .null)
        row.append(scope.map(Value.text) ?? .null)
        row.append(members.map(Value.integer) ?? .null)
        row.append(share)
    }

    /// How Quorum came by member_states, where it is not a figure the document states.
    private static func memberStatesDerivation(_ group: EventGroup) -> String? {
        let named = group.namedStateEvents.isEmpty ? nil : group.namedStates.count
        let largest = group.memberStatesLargest
        if group.namedStateEvents.count == group.sessions {
            // One session whose stated count the names bear out: the document states it.
            if group.sessions == 1, let largest, largest.value == named, !largest.derived { return nil }
            return Derivation.namedStates
        }
        if largest == nil && named == nil { return nil }
        if group.sessions == 1, group.memberStatesReported == 1, named == nil, let largest {
            return largest.derived ? Derivation.derivedFigure : nil
        }
        return Derivation.largestCount
    }

    /// How Quorum came by organisations, where it is not a figure the document states.
    private static func organisationsDerivation(_ group: EventGroup) -> String? {
        let named = group.namedOrganisations.isEmpty ? nil : group.namedOrganisations.count
        guard let largest = group.organisationsLargest, largest.value >= (named ?? 0) else {
            return named == nil ? nil : Derivation.namedOrganisations
        }
        if group.sessions > 1 { return Derivation.largestCount }
        return largest.derived ? Derivation.derivedFigure : nil
    }

    /// organisations and its qualifier: the largest of the reported figure and the named organisations.
    private static func organisations(_ group: EventGroup, into row: inout [Value]) {
        let named = group.namedOrganisations.isEmpty ? nil : group.namedOrganisations.count
        let largest = group.organisationsLargest
        guard largest != nil || named != nil else {
            row.append(contentsOf: [.null, .null])
            return
        }
        let count = max(largest?.value ?? 0, named ?? 0)
        let qualifier: Qualifier =
            if group.sessions == 1, let largest, largest.value >= (named ?? 0) {
                largest.qualifier
            } else if group.sessions == 1 {
                .exact
            } else {
                .atLeast
            }
        row.append(.integer(Int64(count)))
        row.append(.text(qualifier.rawValue))
    }

    static func formatMix(_ input: GroupInput) throws -> AggregateTable {
        let (groups, labels) = (input.groups, input.labels)
        var totals: [GroupLabels.OrganisationYear: EventGroup.Formats] = [:]
        var codes: [Int64: String] = [:]
        for (key, group) in groups.groups {
            let body = try labels.body(key)
            codes[body.organisationID] = body.organisation
            totals[.init(organisation: body.organisationID, year: key.year), default: .init()] += group.formats
        }
        let definition = AggregateDefinition.formatMix
        return AggregateTable(
            name: definition.name, description: definition.description,
            columns: ["organisation", "year", "online", "hybrid", "in_person", "not_reported", "events"],
            rows: totals.map { (slot: OrganisationYear(organisation: codes[$0.key.organisation]!, year: $0.key.year), formats: $0.value) }
                .sorted { $0.slot < $1.slot }.map { slot, formats in
                    [.text(slot.organisation), .integer(Int64(slot.year))]
                        + [formats.online, formats.hybrid, formats.inPerson, formats.notReported, formats.events]
                        .map { .integer(Int64($0)) }
                })
    }

    static func cbmEvents(_ input: GroupInput) throws -> AggregateTable {
        let (groups, labels) = (input.groups, input.labels)
        struct Slot: Hashable { let organisation: String, dimension: String, year: Int }
        var counts: [Slot: Int] = [:]
        for (key, group) in groups.groups where !group.dimensions.isEmpty {
            let organisation = try labels.body(key).organisation
            for dimension in group.dimensions {
                counts[Slot(organisation: organisation, dimension: dimension, year: key.year), default: 0] += 1
            }
        }
        let definition = AggregateDefinition.cbmEvents
        return AggregateTable(
            name: definition.name, description: definition.description,
            columns: ["organisation", "dimension", "dimension_name", "year", "events"],
            rows: counts.sorted { a, b in
                if a.key.organisation != b.key.organisation { return a.key.organisation.precedesInBytes(b.key.organisation) }
                if a.key.dimension != b.key.dimension { return a.key.dimension.precedesInBytes(b.key.dimension) }
                return a.key.year < b.key.year
            }.map { slot, events in
                [
                    .text(slot.organisation), .text(slot.dimension), labels.dimensions[slot.dimension].map(Value.text) ?? .null,
                    .integer(Int64(slot.year)), .integer(Int64(events)),
                ]
            })
    }

    private struct OrganisationYear: Hashable, Comparable {
        let organisation: String
        let year: Int
        static func < (a: Self, b: Self) -> Bool {
            a.organisation != b.organisation ? a.organisation.precedesInBytes(b.organisation) : a.year < b.year
        }
    }

    /// numerator / denominator rounded half away from zero to `places` decimals,
    /// as PostgreSQL's `round(numeric, places)`; both are not negative.
    static func decimalRounded(_ numerator: Int64, _ denominator: Int64, places: Int) -> Double {
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        return Double((2 * numerator * scale + denominator) / (2 * denominator)) / Double(scale)
    }
}
