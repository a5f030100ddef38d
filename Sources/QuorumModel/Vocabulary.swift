/// The closed vocabularies of the domain. Their raw values are what the files,
/// the database and the API spell.

/// How exact a reported figure is.
public enum Qualifier: String, CaseIterable, Codable, Sendable {
    case exact
    case atLeast = "at_least"
    case approximately

    /// The figure as a reader should see it: "140+" or "≈150".
    public func format(_ value: String) -> String {
        switch self {
        case .exact: value
        case .atLeast: value + "+"
        case .approximately: "≈" + value
        }
    }

    /// The key a table of figures explains its notation with.
    public static var key: String { Wording(.en).qualifierKey }

    /// The qualifier of a combination of figures (a sum, a largest value of
    /// several): approximate if any part is, else at least if any part is.
    public static func combined(_ parts: some Sequence<Qualifier>) -> Qualifier {
        var result = Qualifier.exact
        for part in parts {
            if part == .approximately { return .approximately }
            if part == .atLeast { result = .atLeast }
        }
        return result
    }
}

/// What a figure counted.
public enum Scope: String, CaseIterable, Codable, Sendable {
    case all
    case memberStates = "member_states"
    case memberStatesAndObservers = "member_states_and_observers"
    case memberStatesAndOrganisations = "member_states_and_organisations"
    case headsOfStateAndGovernment = "heads_of_state_and_government"

    /// What was counted, in the words of the documents.
    public var words: String {
        switch self {
        case .all: "all participants"
        case .memberStates: "Member States"
        case .memberStatesAndObservers: "Member States and observers"
        case .memberStatesAndOrganisations: "Member States and organisations"
        case .headsOfStateAndGovernment: "heads of state and government"
        }
    }
}

/// What is counted at an event.
public enum Measure: String, CaseIterable, Codable, Sendable {
    case participants
    case memberStates = "member_states"
    case guestStates = "guest_states"
    case organisations
    case countries

    /// Counts of who was present, which are sets: across events they combine
    /// by union (or, where only counts are known, by the largest), never by sum.
    public var isSetCount: Bool { self != .participants }

    public var words: String {
        switch self {
        case .participants: "participants"
        case .memberStates: "Member States represented"
        case .guestStates: "guest states"
        case .organisations: "organisations present"
        case .countries: "countries"
        }
    }
}

public enum EventFormat: String, CaseIterable, Codable, Sendable {
    case online, hybrid
    case inPerson = "in_person"
}

/// Whether an event took place, or a document only announces it. Only held
/// events count in aggregates of what happened.
public enum EventStatus: String, CaseIterable, Codable, Sendable {
    case held, announced
}

public enum MembershipRole: String, CaseIterable, Codable, Sendable {
    case member, observer, partner
}

public enum BodyKind: String, CaseIterable, Codable, Sendable {
    case governing, advisory, summit, cbm, other
}

public enum CoordinatorRole: String, CaseIterable, Codable, Sendable {
    case coordinator
    case coCoordinator = "co_coordinator"
}

public enum AttendeeKind: String, CaseIterable, Codable, Sendable {
    case country, organisation
}

public enum AttendeeRole: String, CaseIterable, Codable, Sendable {
    case member, observer, guest, organisation
}

public enum MilestoneKind: String, CaseIterable, Codable, Sendable {
    case conceptPaperRenewed = "concept_paper_renewed"
    case ratification
    case membershipJoined = "membership_joined"
    case bodyEstablished = "body_established"
    case documentAdopted = "document_adopted"
    case chairmanship
}

/// Parses a vocabulary word, or says which words are allowed.
public func parseWord<T: RawRepresentable & CaseIterable>(_ text: String, as type: T.Type) -> Result<T, FieldError>
where T.RawValue == String {
    if let value = T(rawValue: text) { return .success(value) }
    let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
    return .failure(FieldError("'\(text)' is not one of: \(allowed)"))
}

/// What is wrong with one value.
public struct FieldError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = TextCheck.visible(description) }
}
