import QuorumModel
import QuorumStore

/// What the aggregates over events know of one (body, year) group: partial
/// aggregates that the same of other events can be merged into. New events are
/// added to their group without reading its older events again, so a refresh
/// costs what changed, not what is stored.
struct EventGroup: Equatable, Sendable {
    struct Key: Hashable, Sendable {
        let body: Int64
        let year: Int
    }

    /// A largest figure and its qualifier. (Which qualifier wins a tie does not
    /// matter: a largest figure's qualifier is shown only when it is the only one.)
    struct Largest: Equatable, Sendable {
        var value: Int
        var qualifier: Qualifier
        /// Whether a figure of that value is one Quorum derived rather than the document stated.
        var derived = false

        func merged(_ other: Largest?) -> Largest {
            guard let other, other.value >= value else { return self }
            if other.value == value { return Largest(value: value, qualifier: qualifier, derived: derived || other.derived) }
            return other
        }
    }

    /// Events by format; a group's sessions are its events.
    struct Formats: Equatable, Sendable {
        var online = 0, hybrid = 0, inPerson = 0, notReported = 0

        var events: Int { online + hybrid + inPerson + notReported }

        static func += (a: inout Formats, b: Formats) {
            a.online += b.online
            a.hybrid += b.hybrid
            a.inPerson += b.inPerson
            a.notReported += b.notReported
        }
    }

    var formats = Formats()
    var sessions: Int { formats.events }
    /// Each event's CBM dimension, sorted (events without one are left out).
    var dimensions: [String] = []
    /// Every participants figure, sorted, for the median.
    var participants: [Int] = []
    var participantsApproximate = false
    var participantsAtLeast = false
    var participantsSources: Set<Int64> = []
    /// Whether any participants figure is one Quorum derived.
    var participantsDerived = false
    var memberStatesReported = 0
    var memberStatesLargest: Largest?
    /// Whether every member-states figure counts member states alone; if not,
    /// the first other scope (in byte order).
    var memberStatesPure = true
    var memberStatesScope: String?
    /// The events with named member states, and those states.
    var namedStateEvents: Set<Int64> = []
    var namedStates: Set<String> = []
    var organisationsLargest: Largest?
    var namedOrganisations: Set<Int64> = []

    mutating func merge(_ other: EventGroup) {
        formats += other.formats
        dimensions = mergedSorted(dimensions, other.dimensions) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        participants = mergedSorted(participants, other.participants, by: <)
        participantsApproximate = participantsApproximate || other.participantsApproximate
        participantsAtLeast = participantsAtLeast || other.participantsAtLeast
        participantsSources.formUnion(other.participantsSources)
        participantsDerived = participantsDerived || other.participantsDerived
        memberStatesReported += other.memberStatesReported
        memberStatesLargest = memberStatesLargest?.merged(other.memberStatesLargest) ?? other.memberStatesLargest
        memberStatesPure = memberStatesPure && other.memberStatesPure
        memberStatesScope = [memberStatesScope, other.memberStatesScope].compactMap { $0 }
            .min { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        namedStateEvents.formUnion(other.namedStateEvents)
        namedStates.formUnion(other.namedStates)
        organisationsLargest = organisationsLargest?.merged(other.organisationsLargest) ?? other.organisationsLargest
        namedOrganisations.formUnion(other.namedOrganisations)
    }
}

private func mergedSorted<T>(_ a: [T], _ b: [T], by precedes: (T, T) -> Bool) -> [T] {
    if b.isEmpty { return a }
    if a.isEmpty { return b }
    var merged: [T] = []
    merged.reserveCapacity(a.count + b.count)
    var i = 0, j = 0
    while i < a.count, j < b.count {
        if precedes(b[j], a[i]) {
            merged.append(b[j])
            j += 1
        } else {
            merged.append(a[i])
            i += 1
        }
    }
    merged.append(contentsOf: a[i...])
    merged.append(contentsOf: b[j...])
    return merged
}

// MARK: Rows

extension EventGroup {
    init(row: Row) throws {
        func array(_ index: Int) throws -> [String] { try PGArray.elements(try row.require(at: index)).compactMap { $0 } }
        func largest(_ index: Int, derived: Int) throws -> Largest? {
            guard let value = try row.decode(Int.self, at: index) else { return nil }
            return Largest(value: value, qualifier: try row.require(at: index + 1), derived: try row.require(at: derived))
        }
        formats = Formats(
            online: try row.require(at: 2), hybrid: try row.require(at: 3),
            inPerson: try row.require(at: 4), notReported: try row.require(at: 5))
        dimensions = try array(6)
        participants = try array(7).map { try Int(pgText: $0) }
        participantsApproximate = try row.require(at: 8)
        participantsAtLeast = try row.require(at: 9)
        participantsSources = Set(try array(10).map { try Int64(pgText: $0) })
        memberStatesReported = try row.require(at: 11)
        memberStatesLargest = try largest(12, derived: 22)
        memberStatesPure = try row.require(at: 14)
        memberStatesScope = try row.decode(at: 15)
        namedStateEvents = Set(try array(16).map { try Int64(pgText: $0) })
        namedStates = Set(try array(17))
        organisationsLargest = try largest(18, derived: 23)
        namedOrganisations = Set(try array(20).map { try Int64(pgText: $0) })
        participantsDerived = try row.require(at: 21)
    }

    static func key(of row: Row) throws -> Key {
        Key(body: try row.require(at: 0), year: try row.require(at: 1))
    }

    /// The row for quorum.event_group, in `columns` order.
    func fields(_ key: Key) -> [String?] {
        func numbers(_ values: some Collection<some BinaryInteger>) -> String {
            "{" + values.map { String($0) }.joined(separator: ",") + "}"
        }
        return [
            String(key.body), String(key.year), String(formats.online), String(formats.hybrid),
            String(formats.inPerson), String(formats.notReported), TextArray(dimensions).pgText, numbers(participants),
            participantsApproximate.pgText, participantsAtLeast.pgText, numbers(participantsSources.sorted()),
            String(memberStatesReported), memberStatesLargest.map { String($0.value) }, memberStatesLargest?.qualifier.rawValue,
            memberStatesPure.pgText, memberStatesScope, numbers(namedStateEvents.sorted()),
            TextArray(namedStates.sorted()).pgText, organisationsLargest.map { String($0.value) },
            organisationsLargest?.qualifier.rawValue, numbers(namedOrganisations.sorted()), participantsDerived.pgText,
            (memberStatesLargest?.derived ?? false).pgText, (organisationsLargest?.derived ?? false).pgText,
        ]
    }
}
