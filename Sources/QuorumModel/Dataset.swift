/// The whole dataset as the JSON format spells it (docs/data-format.md): what
/// `quorum import` reads, `quorum export --format json` writes and the built-in
/// CICA dataset is. References between parts are by code or key.
public struct Dataset: Codable, Equatable, Sendable {
    public var sources: [Source] = []
    public var organisations: [Organisation] = []
    public var countries: [Country] = []
    public var bodies: [Body] = []
    public var dimensions: [Dimension] = []
    public var priorityAreas: [PriorityArea] = []
    public var coordinators: [Coordinator] = []
    public var memberships: [Membership] = []
    public var membershipCounts: [MembershipCount] = []
    public var events: [Event] = []
    public var totals: [Total] = []
    public var milestones: [Milestone] = []

    public init() {}

    public struct Source: Codable, Equatable, Sendable {
        public var key: String
        public var title: String
        public var published: PartialDate?
        public var symbol: String?
        public var publisher: String?
        public var url: String?
        public init(
            key: String, title: String, published: PartialDate? = nil, symbol: String? = nil,
            publisher: String? = nil, url: String? = nil
        ) {
            self.key = key
            self.title = title
            self.published = published
            self.symbol = symbol
            self.publisher = publisher
            self.url = url
        }
    }

    public struct Organisation: Codable, Equatable, Sendable, Translatable {
        public var code: String
        public var name: String
        /// The name in other languages, by language code (`ru`, `zh`).
        public var names: [String: String]?
        public init(code: String, name: String, names: [String: String]? = nil) {
            self.code = code
            self.name = name
            self.names = names
        }
        public var englishName: String { name }
        public var translations: [String: String]? { names }
    }

    public struct Country: Codable, Equatable, Sendable {
        public var code: String
        public var name: String
        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
    }

    public struct Body: Codable, Equatable, Sendable, Translatable {
        public var organisation: String
        public var code: String
        public var name: String
        public var kind: BodyKind
        /// The name in other languages, by language code (`ru`, `zh`).
        public var names: [String: String]?
        public init(organisation: String, code: String, name: String, kind: BodyKind, names: [String: String]? = nil) {
            self.organisation = organisation
            self.code = code
            self.name = name
            self.kind = kind
            self.names = names
        }
        public var englishName: String { name }
        public var translations: [String: String]? { names }
    }

    public struct Dimension: Codable, Equatable, Sendable, Translatable {
        public var code: String
        public var name: String
        /// The name in other languages, by language code (`ru`, `zh`).
        public var names: [String: String]?
        public init(code: String, name: String, names: [String: String]? = nil) {
            self.code = code
            self.name = name
            self.names = names
        }
        public var englishName: String { name }
        public var translations: [String: String]? { names }
    }

    public struct PriorityArea: Codable, Equatable, Sendable, Translatable {
        public var code: String
        public var dimension: String
        public var name: String
        /// The name in other languages, by language code (`ru`, `zh`).
        public var names: [String: String]?
        public init(code: String, dimension: String, name: String, names: [String: String]? = nil) {
            self.code = code
            self.dimension = dimension
            self.name = name
            self.names = names
        }
        public var englishName: String { name }
        public var translations: [String: String]? { names }
    }

    public struct Coordinator: Codable, Equatable, Sendable {
        public var priorityArea: String
        public var country: String
        public var role: CoordinatorRole
        public var term: String?
        public var source: String
        public var locator: String
        public init(priorityArea: String, country: String, role: CoordinatorRole, term: String? = nil, source: String, locator: String) {
            self.priorityArea = priorityArea
            self.country = country
            self.role = role
            self.term = term
            self.source = source
            self.locator = locator
        }
    }

    public struct Membership: Codable, Equatable, Sendable {
        public var organisation: String
        public var country: String
        public var role: MembershipRole
        public var since: PartialDate
        public var source: String
        public var locator: String
        public var derivation: String?
        public init(
            organisation: String, country: String, role: MembershipRole, since: PartialDate, source: String, locator: String,
            derivation: String? = nil
        ) {
            self.organisation = organisation
            self.country = country
            self.role = role
            self.since = since
            self.source = source
            self.locator = locator
            self.derivation = derivation
        }
    }

    public struct MembershipCount: Codable, Equatable, Sendable {
        public var organisation: String
        public var role: MembershipRole
        public var from: PartialDate
        public var count: Int
        public var qualifier: Qualifier
        public var source: String
        public var locator: String
        public var derivation: String?
        public var note: String?
        public init(
            organisation: String, role: MembershipRole, from: PartialDate, count: Int, qualifier: Qualifier, source: String, locator: String,
            derivation: String? = nil, note: String? = nil
        ) {
            self.organisation = organisation
            self.role = role
            self.from = from
            self.count = count
            self.qualifier = qualifier
            self.source = source
            self.locator = locator
            self.derivation = derivation
            self.note = note
        }
    }

    public struct Event: Codable, Equatable, Sendable, Translatable {
        public var organisation: String
        public var body: String
        public var session: Int?
        public var title: String
        /// The title in other languages, by language code (`ru`, `zh`).
        public var titles: [String: String]?
        public var date: PartialDate
        public var endDate: PartialDate?
        public var city: String?
        public var country: String?
        public var format: EventFormat?
        public var dimension: String?
        public var priorityArea: String?
        /// Held, or only announced by the document.
        public var status: EventStatus = .held
        /// The document that reports the event, and where.
        public var source: String
        public var locator: String
        public var topics: [String] = []
        public var figures: [Figure] = []
        public var attendees: [Attendee] = []

        public init(
            organisation: String, body: String, session: Int?, title: String, date: PartialDate,
            status: EventStatus = .held, source: String, locator: String
        ) {
            self.organisation = organisation
            self.body = body
            self.session = session
            self.title = title
            self.date = date
            self.status = status
            self.source = source
            self.locator = locator
        }

        public var englishName: String { title }
        public var translations: [String: String]? { titles }

        /// How the event is told apart from the others of its body.
        public var naturalKey: String {
            if let session { return "\(organisation)/\(body) session \(session)" }
            return "\(organisation)/\(body) \(date) \(title)"
        }
    }

    public struct Figure: Codable, Equatable, Sendable {
        public var measure: Measure
        public var value: Int
        public var qualifier: Qualifier
        public var scope: Scope
        public var source: String
        public var locator: String
        /// How Quorum derived the value; nil when the document states it.
        public var derivation: String?
        public var note: String?
        public init(
            measure: Measure, value: Int, qualifier: Qualifier, scope: Scope,
            source: String, locator: String, derivation: String? = nil, note: String? = nil
        ) {
            self.measure = measure
            self.value = value
            self.qualifier = qualifier
            self.scope = scope
            self.source = source
            self.locator = locator
            self.derivation = derivation
            self.note = note
        }
    }

    public struct Attendee: Codable, Equatable, Sendable {
        public var kind: AttendeeKind
        public var code: String
        public var role: AttendeeRole
        public var source: String
        public var locator: String
        public init(kind: AttendeeKind, code: String, role: AttendeeRole, source: String, locator: String) {
            self.kind = kind
            self.code = code
            self.role = role
            self.source = source
            self.locator = locator
        }
    }

    public struct Total: Codable, Equatable, Sendable {
        public var organisation: String
        public var measure: String
        public var label: String
        public var value: Int
        public var qualifier: Qualifier
        public var from: PartialDate?
        public var to: PartialDate?
        public var body: String?
        public var dimension: String?
        public var source: String
        public var locator: String
        public var derivation: String?
        public var note: String?
        public init(
            organisation: String, measure: String, label: String, value: Int, qualifier: Qualifier, from: PartialDate? = nil, to: PartialDate? = nil,
            body: String? = nil, dimension: String? = nil, source: String, locator: String, derivation: String? = nil, note: String? = nil
        ) {
            self.organisation = organisation
            self.measure = measure
            self.label = label
            self.value = value
            self.qualifier = qualifier
            self.from = from
            self.to = to
            self.body = body
            self.dimension = dimension
            self.source = source
            self.locator = locator
            self.derivation = derivation
            self.note = note
        }
    }

    public struct Milestone: Codable, Equatable, Sendable {
        public var organisation: String
        public var kind: MilestoneKind
        public var subject: String
        public var priorityArea: String?
        public var country: String?
        public var from: PartialDate?
        public var to: PartialDate?
        public var source: String
        public var locator: String
        public var derivation: String?
        public init(
            organisation: String, kind: MilestoneKind, subject: String, priorityArea: String? = nil, country: String? = nil, from: PartialDate? = nil,
            to: PartialDate? = nil, source: String, locator: String, derivation: String? = nil
        ) {
            self.organisation = organisation
            self.kind = kind
            self.subject = subject
            self.priorityArea = priorityArea
            self.country = country
            self.from = from
            self.to = to
            self.source = source
            self.locator = locator
            self.derivation = derivation
        }
    }
}

// MARK: Decoding with absent arrays as empty

extension Dataset {
    private enum CodingKeys: String, CodingKey {
        case sources, organisations, countries, bodies, dimensions, priorityAreas, coordinators,
            memberships, membershipCounts, events, totals, milestones
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sources = try c.decodeIfPresent([Source].self, forKey: .sources) ?? []
        organisations = try c.decodeIfPresent([Organisation].self, forKey: .organisations) ?? []
        countries = try c.decodeIfPresent([Country].self, forKey: .countries) ?? []
        bodies = try c.decodeIfPresent([Body].self, forKey: .bodies) ?? []
        dimensions = try c.decodeIfPresent([Dimension].self, forKey: .dimensions) ?? []
        priorityAreas = try c.decodeIfPresent([PriorityArea].self, forKey: .priorityAreas) ?? []
        coordinators = try c.decodeIfPresent([Coordinator].self, forKey: .coordinators) ?? []
        memberships = try c.decodeIfPresent([Membership].self, forKey: .memberships) ?? []
        membershipCounts = try c.decodeIfPresent([MembershipCount].self, forKey: .membershipCounts) ?? []
        events = try c.decodeIfPresent([Event].self, forKey: .events) ?? []
        totals = try c.decodeIfPresent([Total].self, forKey: .totals) ?? []
        milestones = try c.decodeIfPresent([Milestone].self, forKey: .milestones) ?? []
    }
}

extension Dataset.Event {
    private enum CodingKeys: String, CodingKey {
        case organisation, body, session, title, titles, date, endDate, city, country, format, dimension,
            priorityArea, status, source, locator, topics, figures, attendees
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        organisation = try c.decode(String.self, forKey: .organisation)
        body = try c.decode(String.self, forKey: .body)
        session = try c.decodeIfPresent(Int.self, forKey: .session)
        title = try c.decode(String.self, forKey: .title)
        titles = try c.decodeIfPresent([String: String].self, forKey: .titles)
        date = try c.decode(PartialDate.self, forKey: .date)
        endDate = try c.decodeIfPresent(PartialDate.self, forKey: .endDate)
        city = try c.decodeIfPresent(String.self, forKey: .city)
        country = try c.decodeIfPresent(String.self, forKey: .country)
        format = try c.decodeIfPresent(EventFormat.self, forKey: .format)
        dimension = try c.decodeIfPresent(String.self, forKey: .dimension)
        priorityArea = try c.decodeIfPresent(String.self, forKey: .priorityArea)
        status = try c.decodeIfPresent(EventStatus.self, forKey: .status) ?? .held
        source = try c.decode(String.self, forKey: .source)
        locator = try c.decode(String.self, forKey: .locator)
        topics = try c.decodeIfPresent([String].self, forKey: .topics) ?? []
        figures = try c.decodeIfPresent([Dataset.Figure].self, forKey: .figures) ?? []
        attendees = try c.decodeIfPresent([Dataset.Attendee].self, forKey: .attendees) ?? []
    }
}
