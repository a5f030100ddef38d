import QuorumAggregates
import QuorumCharts
import QuorumModel

/// The register: every event and every fact of the snapshot with the document
/// and the words it comes from, at the anchors the chart tables link to
/// (`RegisterAnchor`), so a reader goes from any number to its words in two clicks.
struct Register {
    struct Figure {
        let measure: String
        let value: Int64
        let qualifier: Qualifier
        let scope: String
        let derivation: String?
        let source: String
        let locator: String
    }

    struct Event {
        let id: Int64
        let organisation, body, bodyName, title, date, status, source, locator: String
        let session: Int64?
        let endDate, city, country, format, dimension: String?
        let year: Int
        var figures: [Figure] = []
    }

    /// One row of the facts page: a total, a membership count, a milestone, a membership or a coordinator.
    struct Fact {
        let anchor: String?
        let columns: [String]
        let value: String?
        let derivation: String?
        let source: String
        let locator: String
        var note: String? = nil
        /// The anchor of the rows it belongs with, where only the first carries it.
        var group: String? = nil
    }

    struct Section {
        let id: String
        let title: String
        let headings: [String]
        var facts: [Fact]
    }

    var events: [Event] = []
    var sections: [Section] = []
    /// Source key → title.
    var sources: [String: String] = [:]
    /// Whether the snapshot's register stops short of the events stored.
    var truncated = false
    /// The events (their places in `events`) under each group and year anchor.
    private var eventsByAnchor: [String: [Int]] = [:]

    init(_ snapshot: Snapshot) {
        if let table = snapshot["sources"] {
            let rows = Rows(table)
            for row in rows.all { sources[rows.text(row, "source") ?? ""] = rows.text(row, "title") }
        }
        var byID: [Int64: Int] = [:]
        if let table = snapshot["register_events"] {
            let rows = Rows(table)
            for row in rows.all {
                guard let id = rows.integer(row, "id") else { continue }
                byID[id] = events.count
                events.append(
                    Event(
                        id: id, organisation: rows.text(row, "organisation") ?? "", body: rows.text(row, "body") ?? "",
                        bodyName: rows.text(row, "body_name") ?? "", title: rows.text(row, "title") ?? "",
                        date: rows.text(row, "date") ?? "", status: rows.text(row, "status") ?? "held",
                        source: rows.text(row, "source") ?? "", locator: rows.text(row, "locator") ?? "",
                        session: rows.integer(row, "session"), endDate: rows.text(row, "end_date"), city: rows.text(row, "city"),
                        country: rows.text(row, "country"), format: rows.text(row, "format"), dimension: rows.text(row, "dimension"),
                        year: Int(rows.integer(row, "year") ?? 0)))
            }
            truncated = events.count >= AggregateDefinition.registerLimit
            for (index, event) in events.enumerated() {
                eventsByAnchor[RegisterAnchor.group(event.organisation, event.body, event.year), default: []].append(index)
                eventsByAnchor[RegisterAnchor.year(event.organisation, event.year), default: []].append(index)
            }
        }
        if let table = snapshot["register_figures"] {
            let rows = Rows(table)
            for row in rows.all {
                guard let event = rows.integer(row, "event_id").flatMap({ byID[$0] }) else { continue }
                events[event].figures.append(
                    Figure(
                        measure: rows.text(row, "measure") ?? "", value: rows.integer(row, "value") ?? 0,
                        qualifier: rows.text(row, "qualifier").flatMap(Qualifier.init(rawValue:)) ?? .exact,
                        scope: rows.text(row, "scope") ?? "", derivation: rows.text(row, "derivation"),
                        source: rows.text(row, "source") ?? "", locator: rows.text(row, "locator") ?? ""))
            }
        }
        sections = Register.sections(snapshot)
    }

    // MARK: Facts

    private static func sections(_ snapshot: Snapshot) -> [Section] {
        var sections: [Section] = []
        if let table = snapshot["period_totals"] {
            let rows = Rows(table)
            sections.append(
                Section(
                    id: "totals", title: "Totals reported for periods",
                    headings: ["Organisation", "What", "Period"],
                    facts: rows.all.map { row in
                        let organisation = rows.text(row, "organisation") ?? ""
                        let from = rows.text(row, "period_from"), to = rows.text(row, "period_to")
                        return Fact(
                            anchor: RegisterAnchor.total(organisation, rows.text(row, "measure") ?? "", from: from, to: to),
                            columns: [organisation, rows.text(row, "label") ?? "", Register.period(from, to)],
                            value: rows.figure(row, "value"), derivation: rows.text(row, "derivation"),
                            source: rows.text(row, "source") ?? "", locator: rows.text(row, "locator") ?? "",
                            note: rows.text(row, "note"))
                    }))
        }
        if let table = snapshot["membership"] {
            let rows = Rows(table)
            sections.append(
                Section(
                    id: "membership-counts", title: "Membership counts",
                    headings: ["Organisation", "Role", "From"],
                    facts: rows.all.map { row in
                        let organisation = rows.text(row, "organisation") ?? "", role = rows.text(row, "role") ?? ""
                        let from = rows.text(row, "valid_from") ?? ""
                        return Fact(
                            anchor: RegisterAnchor.membership(organisation, role, from: from),
                            columns: [organisation, Register.roles[role] ?? role, Register.date(from)],
                            value: rows.figure(row, "count"), derivation: rows.text(row, "derivation"),
                            source: rows.text(row, "source") ?? "", locator: rows.text(row, "locator") ?? "",
                            note: rows.text(row, "note"))
                    }))
        }
        if let table = snapshot["register_facts"] {
            let rows = Rows(table)
            var milestones = Section(id: "milestones", title: "Milestones", headings: ["Organisation", "Kind", "What", "When"], facts: [])
            var memberships = Section(
                id: "memberships", title: "States that joined", headings: ["Organisation", "Role", "State", "Since"], facts: [])
            var coordinators = Section(
                id: "coordinators", title: "Coordinators of the priority areas of the Catalogue of CBMs",
                headings: ["Priority area", "Role", "State"], facts: [])
            var anchored: Set<String> = []
            for row in rows.all {
                let organisation = rows.text(row, "organisation") ?? "", kind = rows.text(row, "kind") ?? ""
                let source = rows.text(row, "source") ?? "", locator = rows.text(row, "locator") ?? ""
                let derivation = rows.text(row, "derivation")
                switch rows.text(row, "fact") {
                case "milestone":
                    // The first milestone of a kind and year carries the anchor the chart links to.
                    var anchor: String?, group: String?
                    if let year = rows.integer(row, "year") {
                        group = RegisterAnchor.milestones(organisation, kind, Int(year))
                        if anchored.insert(group!).inserted { anchor = group }
                    }
                    var subject = rows.text(row, "subject") ?? ""
                    if let country = rows.text(row, "country"), !subject.contains(country) { subject += " (\(country))" }
                    milestones.facts.append(
                        Fact(
                            anchor: anchor,
                            columns: [
                                organisation, Register.milestoneKinds[kind] ?? kind, subject,
                                Register.period(rows.text(row, "date_from"), rows.text(row, "date_to")),
                            ],
                            value: nil, derivation: derivation, source: source, locator: locator, group: group))
                case "membership":
                    memberships.facts.append(
                        Fact(
                            anchor: nil,
                            columns: [
                                organisation, Register.roles[kind] ?? kind, rows.text(row, "country") ?? "",
                                Register.date(rows.text(row, "date_from") ?? ""),
                            ],
                            value: nil, derivation: derivation, source: source, locator: locator))
                default:
                    coordinators.facts.append(
                        Fact(
                            anchor: nil,
                            columns: [
                                rows.text(row, "subject") ?? "", kind == "co_coordinator" ? "Co-coordinator" : "Coordinator",
                                rows.text(row, "country") ?? "",
                            ],
                            value: nil, derivation: derivation, source: source, locator: locator))
                }
            }
            sections += [milestones, memberships, coordinators].filter { !$0.facts.isEmpty }
        }
        return sections
    }

    static let roles = ["member": "Member States", "observer": "Observer states", "partner": "Partner organisations"]
    static let milestoneKinds = [
        "concept_paper_renewed": "Concept paper renewed", "ratification": "Ratification", "membership_joined": "Joined",
        "body_established": "Body established", "document_adopted": "Document adopted", "chairmanship": "Chairmanship",
    ]
    static let formats = ["online": "Online", "hybrid": "Hybrid", "in_person": "In person"]

    /// "October 2020 – October 2024", "until 2022", "from 2010".
    static func period(_ from: String?, _ to: String?) -> String {
        switch (from.map(date), to.map(date)) {
        case let (from?, to?): from == to ? from : "\(from) – \(to)"
        case let (from?, nil): "from \(from)"
        case let (nil, to?): "until \(to)"
        case (nil, nil): ""
        }
    }

    /// A stored partial date as a reader says it.
    static func date(_ text: String) -> String { (try? PartialDate(parsing: text))?.words ?? text }

    // MARK: Pages

    func eventsPage() -> String {
        var out = """
            <p>Every event the dataset holds\(truncated ? " (the first \(AggregateDefinition.registerLimit); the API lists all)" : ""), \
            with the document that reports it and its words. Only <strong>held</strong> events count in the charts; \
            <strong>announced</strong> ones are listed for reference.</p>

            """
        var organisation = "", year = -1
        var open = false
        func close() {
            if open { out += "</table></div>\n" }
            open = false
        }
        var groups: Set<String> = []
        for event in events {
            if event.organisation != organisation {
                close()
                organisation = event.organisation
                year = -1
                out += "<h2 id=\"\(HTML.escape(organisation))\">\(HTML.escape(organisation))</h2>\n"
            }
            if event.year != year {
                close()
                year = event.year
                out += "<h3 id=\"\(RegisterAnchor.year(organisation, year))\">\(year)</h3>\n"
                out += "<div class=\"table\"><table class=\"register\">\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Body and event</th>"
                out +=
                    "<th scope=\"col\">Place and format</th><th scope=\"col\">Figures and their words</th><th scope=\"col\">Reported by</th></tr></thead>\n"
                open = true
            }
            let group = RegisterAnchor.group(event.organisation, event.body, event.year)
            let id = groups.insert(group).inserted ? " id=\"\(group)\"" : ""
            out += "<tbody\(id)><tr id=\"event-\(event.id)\">"
            var date = Register.date(event.date)
            if let end = event.endDate { date += " – " + Register.date(end) }
            out += "<td>\(HTML.escape(date))</td>"
            var title = "<strong>\(HTML.escape(event.bodyName))</strong><br>\(HTML.escape(event.title))"
            if event.status != "held" { title += " <span class=\"status\">(\(HTML.escape(event.status)))</span>" }
            if let dimension = event.dimension { title += "<br><span class=\"muted\">\(HTML.escape(dimension))</span>" }
            out += "<td>\(title)</td>"
            let place = [event.city, event.country].compactMap { $0 }.joined(separator: ", ")
            let format = event.format.map { Register.formats[$0] ?? $0 } ?? "format not reported"
            out += "<td>\(HTML.escape(place.isEmpty ? "place not reported" : place))<br>\(HTML.escape(format))</td>"
            out += "<td>\(figures(event))</td>"
            out += "<td>\(sourceCell(event.source, event.locator))</td></tr></tbody>\n"
        }
        close()
        if events.isEmpty { out += "<p>No events.</p>\n" }
        return out
    }

    private func figures(_ event: Event) -> String {
        guard !event.figures.isEmpty else { return "<span class=\"muted\">none reported</span>" }
        var out = "<ul class=\"figures\">"
        for figure in event.figures {
            let measure = Measure(rawValue: figure.measure)?.words ?? figure.measure
            let scope = Scope(rawValue: figure.scope)
            var text = "<span class=\"num\">\(HTML.escape(figure.qualifier.format(NumberFormat.grouped(Double(figure.value)))))"
            text += figure.derivation == nil ? "" : ChartMark.derived
            text += "</span> \(HTML.escape(measure))"
            if let scope, scope != .all, scope != .memberStates || figure.measure != "member_states" {
                text += " (counting \(HTML.escape(scope.words)))"
            }
            if let derivation = figure.derivation {
                text += "<br><span class=\"derived\">Derived: \(HTML.escape(derivation))</span>"
            }
            // Its words; the document too, where it is not the event's.
            let cited = figure.source == event.source ? HTML.escape(figure.locator) : sourceCell(figure.source, figure.locator)
            text += "<br><span class=\"muted\">\(cited)</span>"
            out += "<li id=\"figure-\(event.id)-\(HTML.escape(figure.measure))\">\(text)</li>"
        }
        return out + "</ul>"
    }

    func sourceCell(_ key: String, _ locator: String) -> String {
        "<cite>\(HTML.escape(sources[key] ?? key))</cite><br>\(HTML.escape(locator))"
    }

    func factsPage() -> String {
        var out = """
            <p>The totals, membership counts and other facts of the documents, each with its source and words.</p>
            <ul class="contents">\(sections.map { "<li><a href=\"#\($0.id)\">\(HTML.escape($0.title))</a></li>" }.joined())</ul>

            """
        for section in sections {
            out += "<h2 id=\"\(section.id)\">\(HTML.escape(section.title))</h2>\n<div class=\"table\"><table class=\"register\">\n<thead><tr>"
            for heading in section.headings { out += "<th scope=\"col\">\(HTML.escape(heading))</th>" }
            if section.facts.contains(where: { $0.value != nil }) { out += "<th scope=\"col\" class=\"num\">Figure</th>" }
            out += "<th scope=\"col\">Source and its words</th></tr></thead>\n<tbody>\n"
            for fact in section.facts {
                out += "<tr\(fact.anchor.map { " id=\"\($0)\"" } ?? "")>"
                for column in fact.columns { out += "<td>\(HTML.escape(column))</td>" }
                if section.facts.contains(where: { $0.value != nil }) {
                    out += "<td class=\"num\">\(HTML.escape((fact.value ?? "–") + (fact.derivation == nil ? "" : ChartMark.derived)))</td>"
                }
                var source = sourceCell(fact.source, fact.locator)
                if let derivation = fact.derivation { source += "<br><span class=\"derived\">Derived: \(HTML.escape(derivation))</span>" }
                if let note = fact.note { source += "<br><span class=\"muted\">Note: \(HTML.escape(note))</span>" }
                out += "<td>\(source)</td></tr>\n"
            }
            out += "</tbody>\n</table></div>\n"
        }
        return out
    }

    // MARK: From anchors to sources

    /// The documents and words behind register anchors: for a chart's metadata.
    func citations(_ anchors: Set<String>) -> [(source: String, locator: String)] {
        var out: [(source: String, locator: String)] = []
        var seen: Set<String> = []
        func add(_ source: String, _ locator: String) {
            if seen.insert(source + "\u{0}" + locator).inserted { out.append((source, locator)) }
        }
        for event in Set(anchors.flatMap { eventsByAnchor[$0] ?? [] }).sorted().map({ events[$0] }) {
            add(event.source, event.locator)
            for figure in event.figures { add(figure.source, figure.locator) }
        }
        for section in sections {
            for fact in section.facts where (fact.group ?? fact.anchor).map(anchors.contains) == true { add(fact.source, fact.locator) }
        }
        return out
    }
}

/// Named access to a snapshot table's rows.
struct Rows {
    let table: AggregateTable
    private let index: [String: Int]

    init(_ table: AggregateTable) {
        self.table = table
        index = Dictionary(table.columns.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    var all: [[Value]] { table.rows }

    func text(_ row: [Value], _ column: String) -> String? {
        guard let i = index[column] else { return nil }
        return row[i] == .null ? nil : row[i].description
    }

    func integer(_ row: [Value], _ column: String) -> Int64? {
        guard let i = index[column] else { return nil }
        if case .integer(let value) = row[i] { return value }
        return nil
    }

    /// A figure and its `qualifier` column, as a reader reads it: "140+".
    func figure(_ row: [Value], _ column: String) -> String? {
        guard let i = index[column], let number = row[i].number else { return nil }
        let qualifier = text(row, column + "_qualifier") ?? text(row, "qualifier")
        return (qualifier.flatMap(Qualifier.init(rawValue:)) ?? .exact).format(NumberFormat.grouped(number))
    }
}
