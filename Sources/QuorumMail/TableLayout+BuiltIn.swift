import QuorumAggregates
import QuorumModel

/// The layouts of the built-in aggregates in a report e-mail. Each table has at
/// most five columns; what does not fit beside the leading column goes into a
/// further table, or the row becomes a sentence.
extension TableLayout {
    static let builtIn: [String: TableLayout] = [
        "body_year": bodyYear,
        "format_mix": formatMix,
        "cbm_events": TableLayout(
            sections: ["organisation"], leading: ["dimension_name|dimension"],
            panels: [Panel(cells: [.column("year"), .column("events")])]),
        "year_over_year": TableLayout(
            sections: ["organisation", "body"], leading: ["year"],
            panels: [Panel(cells: [.column("participants"), .column("previous_year"), .column("change"), .column("change_percent")])]),
        "organisation_totals": organisationTotals,
        "period_totals": TableLayout(
            sections: ["organisation"], leading: ["label|measure"],
            panels: [Panel(cells: [.column("value"), .range(from: "period_from", to: "period_to", heading: period)])],
            hidden: ["locator"]),
        "membership": TableLayout(
            sections: ["organisation"], leading: ["role", "valid_from"],
            panels: [Panel(cells: [.column("count")])], hidden: ["locator"]),
        "milestones_per_year": TableLayout(
            sections: ["organisation"], leading: ["kind"],
            panels: [Panel(cells: [.column("year"), .column("milestones"), .column("dated_by_range")])]),
        "coverage": TableLayout(
            sections: ["organisation"], leading: ["label|measure"],
            panels: [
                Panel(cells: [
                    .column("value"), .column("in_dataset"),
                    .range(from: "period_from", to: "period_to", heading: period),
                ])
            ],
            hidden: ["locator"]),
        "register_events": registerEvents,
        "register_figures": TableLayout(
            leading: ["event_id"], panels: [Panel(cells: [.column("measure"), .column("value"), .column("scope")])],
            hidden: ["locator"]),
        "register_facts": registerFacts,
        "sources": TableLayout(
            leading: ["title"],
            panels: [Panel(cells: [.column("publisher"), .column("published"), .column("symbol"), .column("url")])],
            hidden: ["source"]),
        // The codes are for the API; a reader sees the names.
        "names": TableLayout(
            sections: ["kind"], leading: ["en"], panels: [Panel(cells: [.column("ru"), .column("zh")])], hidden: ["code"]),
    ]

    static let period = Phrase("Period", "Период", "时期")

    /// An event per line, under its body: its date, then what it was and where.
    static let registerEvents = TableLayout(
        sections: ["organisation", "body_name|body"], leading: ["date"],
        sentence: Sentence(
            heading: Phrase("Event", "Мероприятие", "活动"),
            uses: ["title", "session", "end_date", "city", "country", "format", "status", "dimension"]
        ) { row in
            let words = { (en: String, ru: String, zh: String) in Phrase(en, ru, zh)(row.language) }
            var parts: [String] = []
            var what = row.figure("title") ?? ""
            if let session = row.figure("session") {
                what +=
                    what.isEmpty
                    ? words("Session \(session)", "Сессия \(session)", "第\(session)届")
                    : words(" (session \(session))", " (сессия \(session))", "（第\(session)届）")
            }
            if !what.isEmpty { parts.append(what) }
            if let end = row.figure("end_date") { parts.append(words("until \(end)", "до \(end)", "至\(end)")) }
            let place = [row.figure("city"), row.figure("country")].compactMap { $0 }.joined(separator: ", ")
            if !place.isEmpty { parts.append(place) }
            if let format = row.figure("format") { parts.append(format) }
            if let dimension = row.figure("dimension") { parts.append(dimension) }
            if row.value("status")?.text == "announced" { parts.append(words("only announced", "только объявлено", "仅宣布")) }
            return parts.joined(separator: Wording(row.language).listSeparator)
        },
        hidden: ["id", "year", "locator"])

    /// A fact per line: its kind and subject, the country, the dates.
    static let registerFacts = TableLayout(
        sections: ["organisation"], leading: ["fact"],
        sentence: Sentence(heading: Phrase("What", "Что", "内容"), uses: ["kind", "subject", "country", "date_from", "date_to"]) { row in
            var parts: [String] = []
            let kind = row.figure("kind"), subject = row.figure("subject")
            parts.append([kind, subject].compactMap { $0 }.joined(separator: Wording(row.language).colon))
            if let country = row.figure("country"), row.value("country") != row.value("subject") { parts.append(country) }
            let dates = row.span("date_from", "date_to")
            if !dates.isEmpty { parts.append(dates) }
            return parts.filter { !$0.isEmpty }.joined(separator: Wording(row.language).listSeparator)
        },
        hidden: ["year", "locator"])

    /// A table per body: the year's sessions and figures; the participants per
    /// session where a year had more than one figure (else they repeat the total);
    /// how the Member States were counted, against the membership.
    static let bodyYear = TableLayout(
        sections: ["organisation", "body_name|body"], leading: ["year"],
        panels: [
            Panel(cells: [.column("sessions"), .column("participants"), .column("member_states"), .column("organisations")]),
            Panel(
                caption: Phrase("Participants per session", "Участники за сессию", "每场参会人数"),
                cells: [
                    .column("participants_reported"), .column("participants_mean"), .column("participants_median"),
                    .range(
                        from: "participants_min", to: "participants_max", heading: Phrase("Fewest–most", "Наименьшее–наибольшее", "最少–最多")),
                ],
                shown: { rows in
                    rows.contains { row in
                        guard let reported = row.integer("participants_reported"), reported > 0 else { return false }
                        return reported > 1 || reported < (row.integer("sessions") ?? reported)
                    }
                }),
            Panel(
                caption: Phrase("Member States represented", "Представленные государства-члены", "出席的成员国"),
                cells: [.column("member_states_basis"), .column("member_states_scope"), .column("members"), .column("member_share")],
                shown: { rows in rows.contains { $0.figure("member_states") != nil } }),
        ])

    /// A year per line: "40 events: 10 online, 5 hybrid, 25 in person".
    static let formatMix = TableLayout(
        sections: ["organisation"], leading: ["year"],
        sentence: Sentence(
            heading: Phrase("Events by format", "Мероприятия по формату", "按形式分列的活动"),
            uses: ["events", "online", "hybrid", "in_person", "not_reported"]
        ) { row in
            let formats = ["online", "hybrid", "in_person", "not_reported"].compactMap { column -> String? in
                guard (row.integer(column) ?? 0) > 0 else { return nil }
                let words =
                    column == "not_reported"
                    ? Phrase("format not reported", "формат не указан", "未报告形式")(row.language)
                    : ColumnLabels.words(column, .eventFormat, in: row.language)
                return counted(row.cell(column), words, row.language)
            }
            let list = formats.joined(separator: row.language == .zh ? "，" : ", ")
            guard let events = row.integer("events") else { return list }
            return Counted.events(Int(events), written: row.cell("events"), in: row.language)
                + (formats.isEmpty ? "" : Wording(row.language).colon + list)
        })

    /// "10 online", "线上 10" — a number and what it counts, in the order the language puts them.
    private static func counted(_ number: String, _ words: String, _ language: Language) -> String {
        language == .zh ? "\(words) \(number)" : "\(number) \(words)"
    }

    /// An organisation per line: its name, bodies, events, participants and years.
    static let organisationTotals = TableLayout(
        leading: ["organisation"],
        sentence: Sentence(
            heading: Phrase("In all", "Всего", "合计"),
            uses: ["name", "bodies", "events", "events_with_participants", "participants", "first_year", "last_year"]
        ) { row in
            let language = row.language
            var parts: [String] = []
            if let name = row.figure("name") { parts.append(name) }
            if let bodies = row.integer("bodies") { parts.append(Counted.bodies(Int(bodies), written: row.cell("bodies"), in: language)) }
            if let events = row.integer("events") {
                var text = Counted.events(Int(events), written: row.cell("events"), in: language)
                if let reported = row.figure("events_with_participants") {
                    text += Phrase(
                        ", \(reported) with a participants figure", ", из них \(reported) с числом участников", "，其中 \(reported) 场有参会人数")(
                            language)
                }
                parts.append(text)
            }
            if let participants = row.figure("participants") {
                parts.append(Phrase("\(participants) participants", "участников: \(participants)", "参会人数 \(participants)")(language))
            }
            let years = row.range("first_year", "last_year")
            if years != "–" { parts.append(years) }
            return parts.joined(separator: Wording(row.language).listSeparator)
        })
}

/// A count and its noun, with the noun's plural as the language has it.
enum Counted {
    static func events(_ count: Int, written: String, in language: Language) -> String {
        noun(count, written, in: language, en: ("event", "events"), ru: ("мероприятие", "мероприятия", "мероприятий"), zh: "场活动")
    }

    static func bodies(_ count: Int, written: String, in language: Language) -> String {
        noun(count, written, in: language, en: ("body", "bodies"), ru: ("орган", "органа", "органов"), zh: "个机构")
    }

    private static func noun(
        _ count: Int, _ written: String, in language: Language, en: (one: String, other: String), ru: (one: String, few: String, many: String),
        zh: String
    ) -> String {
        switch language {
        case .en: return "\(written) \(count == 1 ? en.one : en.other)"
        case .zh: return "\(written) \(zh)"
        case .ru:
            switch Russian.pluralCategory(count) {
            case .one: return "\(written) \(ru.one)"
            case .few: return "\(written) \(ru.few)"
            case .many: return "\(written) \(ru.many)"
            }
        }
    }
}
