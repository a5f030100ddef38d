/// How the columns of the aggregates are shown to people: a heading in words,
/// what kind of value a column holds, and which figure a qualifier or derivation
/// column belongs to.
///
/// The column names themselves (`participants_qualifier`) stay the stable
/// identifiers of the API, the CSV files and the chart files; these are only the
/// words a reader sees in a report e-mail or a page. A column no aggregate here
/// names still gets a heading in words (`valid_from` → "Valid from"), so no
/// identifier reaches a reader, but `isLabelled` tells a test it was guessed.
public enum ColumnLabels {
    /// What a column holds, which says how to write its values for a reader.
    public enum Kind: Sendable, Equatable {
        /// Words, shown as they are.
        case text
        /// An organisation's code (`CICA`).
        case organisation
        /// A body's code (`youth-council`); its name is in a `body_name` column or body_year.
        case body
        /// A code of a closed vocabulary, shown by its name.
        case code(Vocabulary)
        /// A whole number of things: thousands separated.
        case count
        /// A mean or median: thousands separated, one decimal where there is one.
        case decimal
        /// A calendar year: no separator.
        case year
        /// A number that names rather than counts (an event's id, a session): no separator.
        case identifier
        /// A fraction of one (0.679), shown as a percentage.
        case share
        /// A percentage already (12.5).
        case percent
        /// A date with its precision: `2024`, `2024-10`, `2024-10-03`.
        case date
        /// Source keys, one or several separated by spaces.
        case sources
        /// How exact the figure in each of `figures` is: `exact`, `at_least`, `approximately`.
        case qualifier(of: [String])
        /// How Quorum derived the figure in each of `figures`; null when the document states it.
        case derivation(of: [String])
        /// Where in the source document; long text.
        case locator
        /// Why a figure is what it is; long text.
        case note
    }

    /// The closed vocabularies whose codes appear in aggregates.
    public enum Vocabulary: Sendable, Hashable {
        case scope, membershipRole, measure, milestoneKind, eventFormat, qualifier, eventStatus
        /// What a fact of the register is (milestone, membership, coordinator) …
        case fact
        /// … and its kind: a milestone's, a membership's role, a coordinator's role; one of them, in the singular.
        case factKind
    }

    public struct Label: Sendable, Equatable {
        public let heading: String
        public let kind: Kind

        public init(_ heading: String, _ kind: Kind) {
            self.heading = heading
            self.kind = kind
        }

        /// Whether the values are numbers a reader compares down a column (right-aligned).
        public var isNumeric: Bool {
            switch kind {
            case .count, .decimal, .year, .identifier, .share, .percent: true
            default: false
            }
        }
    }

    // MARK: Looking up

    /// The label of `column` in `aggregate`: the aggregate's own, else the one the
    /// column has everywhere, else one made from its name.
    public static func label(_ column: String, in aggregate: String) -> Label {
        if let label = byAggregate[aggregate]?[column] ?? shared[column] { return label }
        return guessed(column)
    }

    public static func heading(_ column: String, in aggregate: String) -> String {
        label(column, in: aggregate).heading
    }

    /// Whether `column` of `aggregate` has a label written for it (not guessed from its name).
    public static func isLabelled(_ column: String, in aggregate: String) -> Bool {
        byAggregate[aggregate]?[column] != nil || shared[column] != nil
    }

    /// A short title for an aggregate, for a heading above its table; nil for one
    /// not built in (a chart's own query), whose description is all there is.
    public static func title(of aggregate: String) -> String? { titles[aggregate] }

    /// A code of a vocabulary in words; a code the vocabulary lacks has its
    /// underscores made spaces, so no identifier reaches a reader.
    public static func words(_ code: String, _ vocabulary: Vocabulary) -> String {
        vocabularies[vocabulary]?[code] ?? humanised(code)
    }

    /// A code of any vocabulary of events and figures, in words; nil for a text
    /// that is no such code. For the columns of a chart's own query, which may
    /// select a code under any name.
    public static func words(anyCode code: String) -> String? {
        for vocabulary in [Vocabulary.scope, .measure, .membershipRole, .milestoneKind, .eventFormat, .qualifier, .eventStatus] {
            if let words = vocabularies[vocabulary]?[code] { return words }
        }
        return nil
    }

    private static let vocabularies: [Vocabulary: [String: String]] = [
        .scope: [
            "all": "all participants",
            "member_states": "Member States",
            "member_states_and_observers": "Member States and observers",
            "member_states_and_organisations": "Member States and organisations",
            "heads_of_state_and_government": "heads of state and government",
        ],
        .membershipRole: ["member": "Member States", "observer": "Observers", "partner": "Partners"],
        .measure: measureWords,
        .milestoneKind: [
            "concept_paper_renewed": "Concept papers renewed",
            "ratification": "Ratifications",
            "membership_joined": "States joining",
            "body_established": "Bodies established",
            "document_adopted": "Documents adopted",
            "chairmanship": "Chairmanships",
        ],
        .eventFormat: ["online": "online", "hybrid": "hybrid", "in_person": "in person"],
        .qualifier: ["exact": "exact", "at_least": "at least", "approximately": "approximately"],
        .eventStatus: ["held": "held", "announced": "announced"],
        .fact: ["milestone": "Milestone", "membership": "Membership", "coordinator": "Coordinator"],
        .factKind: [
            "concept_paper_renewed": "Concept paper renewed",
            "ratification": "Ratification",
            "membership_joined": "Joined",
            "body_established": "Body established",
            "document_adopted": "Document adopted",
            "chairmanship": "Chairmanship",
            "member": "Member State",
            "observer": "Observer",
            "partner": "Partner",
            "coordinator": "Coordinator",
            "co_coordinator": "Co-coordinator",
        ],
    ]

    /// "valid_from" → "Valid from".
    static func humanised(_ name: String) -> String {
        let spaced = name.replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }

    /// A column no table here names: `X_qualifier` and `X_derivation` belong to X,
    /// `…year` is a year; the rest is text under its name in words.
    private static func guessed(_ column: String) -> Label {
        if column.hasSuffix("_qualifier") {
            let figure = String(column.dropLast("_qualifier".count))
            return Label("How exact (\(humanised(figure).lowercased()))", .qualifier(of: [figure]))
        }
        if column.hasSuffix("_derivation") {
            let figure = String(column.dropLast("_derivation".count))
            return Label("How derived (\(humanised(figure).lowercased()))", .derivation(of: [figure]))
        }
        if column == "year" || column.hasSuffix("_year") { return Label(humanised(column), .year) }
        return Label(humanised(column), .text)
    }

    // MARK: The labels

    /// Columns that mean the same in every aggregate that has them.
    private static let shared: [String: Label] = [
        "organisation": Label("Organisation", .organisation),
        "body": Label("Body", .body),
        "body_name": Label("Body", .text),
        "year": Label("Year", .year),
        "source": Label("Source", .sources),
        "sources": Label("Sources", .sources),
        "locator": Label("Where in the source", .locator),
        "note": Label("Note", .note),
        "measure": Label("What was counted", .code(.measure)),
        "label": Label("Total", .text),
        "period_from": Label("From", .date),
        "period_to": Label("To", .date),
        "events": Label("Events", .count),
    ]

    private static let byAggregate: [String: [String: Label]] = [
        "body_year": [
            "sessions": Label("Sessions", .count),
            "participants": Label("Participants", .count),
            "participants_qualifier": Label("How exact (participants)", .qualifier(of: ["participants"])),
            "participants_derivation": Label("How participants were derived", .derivation(of: ["participants"])),
            "participants_reported": Label("Sessions with a participants figure", .count),
            "participants_mean": Label("Mean per session", .decimal),
            "participants_median": Label("Median per session", .decimal),
            "participants_min": Label("Fewest at a session", .count),
            "participants_max": Label("Most at a session", .count),
            "member_states": Label("Member States represented", .count),
            "member_states_qualifier": Label("How exact (Member States)", .qualifier(of: ["member_states"])),
            "member_states_derivation": Label("How Member States were derived", .derivation(of: ["member_states"])),
            "member_states_basis": Label("How they were counted", .text),
            "member_states_scope": Label("Who was counted", .code(.scope)),
            "members": Label("Member States at year end", .count),
            "members_derivation": Label("How the membership was derived", .derivation(of: ["members"])),
            "member_share": Label("Share of the Member States", .share),
            "organisations": Label("Organisations present", .count),
            "organisations_qualifier": Label("How exact (organisations)", .qualifier(of: ["organisations"])),
            "organisations_derivation": Label("How organisations were derived", .derivation(of: ["organisations"])),
        ],
        "format_mix": [
            "online": Label("Online", .count),
            "hybrid": Label("Hybrid", .count),
            "in_person": Label("In person", .count),
            "not_reported": Label("Format not reported", .count),
        ],
        "cbm_events": [
            "dimension": Label("Dimension", .text),
            "dimension_name": Label("Dimension", .text),
        ],
        "year_over_year": [
            "participants": Label("Participants", .count),
            "qualifier": Label("How exact (participants)", .qualifier(of: ["participants"])),
            "previous_year": Label("Previous year with a figure", .year),
            "change": Label("Change", .count),
            "change_percent": Label("Change (%)", .percent),
            "change_qualifier": Label("How exact (change)", .qualifier(of: ["change", "change_percent"])),
        ],
        "organisation_totals": [
            "name": Label("Name", .text),
            "bodies": Label("Bodies", .count),
            "events_with_participants": Label("Events with a participants figure", .count),
            "participants": Label("Participants", .count),
            "participants_qualifier": Label("How exact (participants)", .qualifier(of: ["participants"])),
            "first_year": Label("First year", .year),
            "last_year": Label("Last year", .year),
        ],
        "period_totals": [
            "value": Label("Number", .count),
            "qualifier": Label("How exact", .qualifier(of: ["value"])),
            "derivation": Label("How derived", .derivation(of: ["value"])),
        ],
        "membership": [
            "role": Label("Role", .code(.membershipRole)),
            "valid_from": Label("From", .date),
            "count": Label("Number", .count),
            "qualifier": Label("How exact", .qualifier(of: ["count"])),
            "derivation": Label("How derived", .derivation(of: ["count"])),
        ],
        "milestones_per_year": [
            "kind": Label("Milestone", .code(.milestoneKind)),
            "milestones": Label("Milestones", .count),
            "dated_by_range": Label("Dated only by a range", .count),
        ],
        "coverage": [
            "label": Label("What the documents report", .text),
            "value": Label("Reported", .count),
            "qualifier": Label("How exact", .qualifier(of: ["value"])),
            "in_dataset": Label("In Quorum's dataset", .count),
        ],
        "register_events": [
            "id": Label("Event number", .identifier),
            "session": Label("Session", .identifier),
            "title": Label("Title", .text),
            "date": Label("Date", .date),
            "end_date": Label("Until", .date),
            "city": Label("City", .text),
            "country": Label("Country", .text),
            "format": Label("Format", .code(.eventFormat)),
            "status": Label("Held or announced", .code(.eventStatus)),
            "dimension": Label("Dimension", .text),
        ],
        "register_figures": [
            "event_id": Label("Event number", .identifier),
            "value": Label("Number", .count),
            "qualifier": Label("How exact", .qualifier(of: ["value"])),
            "scope": Label("Who was counted", .code(.scope)),
            "derivation": Label("How derived", .derivation(of: ["value"])),
        ],
        "register_facts": [
            "fact": Label("Fact", .code(.fact)),
            "kind": Label("Kind", .code(.factKind)),
            "subject": Label("Subject", .text),
            "country": Label("Country", .text),
            "date_from": Label("From", .date),
            "date_to": Label("To", .date),
            "derivation": Label("How derived", .derivation(of: ["subject"])),
        ],
        "sources": [
            "source": Label("Key", .text),
            "title": Label("Title", .text),
            "publisher": Label("Publisher", .text),
            "published": Label("Published", .date),
            "symbol": Label("Document symbol", .text),
            "url": Label("Address", .text),
        ],
    ]

    private static let titles: [String: String] = [
        "body_year": "Participation per body and year",
        "format_mix": "Event formats per year",
        "cbm_events": "CBM events per dimension and year",
        "year_over_year": "Participants, year on year",
        "organisation_totals": "Totals per organisation",
        "period_totals": "Totals the documents report for whole periods",
        "membership": "Membership",
        "milestones_per_year": "Milestones per year",
        "coverage": "What the documents report, and what the dataset holds",
        "register_events": "Register of events",
        "register_figures": "Register of figures",
        "register_facts": "Register of other facts",
        "sources": "Sources",
    ]

    /// Measures of events and of the documents' totals.
    private static let measureWords: [String: String] = [
        "participants": "Participants",
        "member_states": "Member States represented",
        "guest_states": "Guest states",
        "organisations": "Organisations present",
        "countries": "Countries",
        "events": "Events",
        "cbm_events": "CBM events",
        "cbm_review_meetings": "CBM review meetings",
        "concept_papers_in_development": "Concept papers under development",
        "concept_papers_renewed": "Concept papers renewed",
        "dimensions": "Dimensions",
        "fundamental_principles": "Fundamental principles",
        "new_permanent_advisory_bodies": "New permanent advisory bodies",
        "observer_organisations": "Observer organisations",
        "priority_areas": "Priority areas",
        "ratifications": "Ratifications",
        "ratifications_still_required": "Ratifications still required",
        "resolutions": "Resolutions",
        "roadmap_reform_areas": "Reform areas of the roadmap",
    ]
}
