import QuorumAggregates

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
            panels: [Panel(cells: [.column("value"), .range(from: "period_from", to: "period_to", heading: "Period")])],
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
                    .range(from: "period_from", to: "period_to", heading: "Period"),
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
    ]

    /// An event per line, under its body: its date, then what it was and where.
    static let registerEvents = TableLayout(
        sections: ["organisation", "body_name|body"], leading: ["date"],
        sentence: Sentence(
            heading: "Event",
            uses: ["title", "session", "end_date", "city", "country", "format", "status", "dimension"]
        ) { row in
            var parts: [String] = []
            var what = row.figure("title") ?? ""
            if let session = row.figure("session") { what += what.isEmpty ? "Session \(session)" : " (session \(session))" }
            if !what.isEmpty { parts.append(what) }
            if let end = row.figure("end_date") { parts.append("until \(end)") }
            let place = [row.figure("city"), row.figure("country")].compactMap { $0 }.joined(separator: ", ")
            if !place.isEmpty { parts.append(place) }
            if let format = row.figure("format") { parts.append(format) }
            if let dimension = row.figure("dimension") { parts.append(dimension) }
            if row.value("status")?.text == "announced" { parts.append("only announced") }
            return parts.joined(separator: "; ")
        },
        hidden: ["id", "year", "locator"])

    /// A fact per line: its kind and subject, the country, the dates.
    static let registerFacts = TableLayout(
        sections: ["organisation"], leading: ["fact"],
        sentence: Sentence(heading: "What", uses: ["kind", "subject", "country", "date_from", "date_to"]) { row in
            var parts: [String] = []
            let kind = row.figure("kind"), subject = row.figure("subject")
            parts.append([kind, subject].compactMap { $0 }.joined(separator: ": "))
            if let country = row.figure("country"), row.value("country") != row.value("subject") { parts.append(country) }
            let dates = row.span("date_from", "date_to")
            if !dates.isEmpty { parts.append(dates) }
            return parts.filter { !$0.isEmpty }.joined(separator: "; ")
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
                caption: "Participants per session",
                cells: [
                    .column("participants_reported"), .column("participants_mean"), .column("participants_median"),
                    .range(from: "participants_min", to: "participants_max", heading: "Fewest–most"),
                ],
                shown: { rows in
                    rows.contains { row in
                        guard let reported = row.integer("participants_reported"), reported > 0 else { return false }
                        return reported > 1 || reported < (row.integer("sessions") ?? reported)
                    }
                }),
            Panel(
                caption: "Member States represented",
                cells: [.column("member_states_basis"), .column("member_states_scope"), .column("members"), .column("member_share")],
                shown: { rows in rows.contains { $0.figure("member_states") != nil } }),
        ])

    /// A year per line: "40 events: 10 online, 5 hybrid, 25 in person".
    static let formatMix = TableLayout(
        sections: ["organisation"], leading: ["year"],
        sentence: Sentence(heading: "Events by format", uses: ["events", "online", "hybrid", "in_person", "not_reported"]) { row in
            let formats = [("online", "online"), ("hybrid", "hybrid"), ("in_person", "in person"), ("not_reported", "format not reported")]
                .compactMap { column, words in (row.integer(column) ?? 0) > 0 ? "\(row.cell(column)) \(words)" : nil }
            guard let events = row.integer("events") else { return formats.joined(separator: ", ") }
            return "\(row.cell("events")) event\(events == 1 ? "" : "s")" + (formats.isEmpty ? "" : ": " + formats.joined(separator: ", "))
        })

    /// An organisation per line: its name, bodies, events, participants and years.
    static let organisationTotals = TableLayout(
        leading: ["organisation"],
        sentence: Sentence(
            heading: "In all",
            uses: ["name", "bodies", "events", "events_with_participants", "participants", "first_year", "last_year"]
        ) { row in
            var parts: [String] = []
            if let name = row.figure("name") { parts.append(name) }
            if let bodies = row.integer("bodies") { parts.append("\(row.cell("bodies")) bod\(bodies == 1 ? "y" : "ies")") }
            if let events = row.integer("events") {
                var text = "\(row.cell("events")) event\(events == 1 ? "" : "s")"
                if let reported = row.figure("events_with_participants") { text += ", \(reported) with a participants figure" }
                parts.append(text)
            }
            if let participants = row.figure("participants") { parts.append("\(participants) participants") }
            let years = row.range("first_year", "last_year")
            if years != "–" { parts.append(years) }
            return parts.joined(separator: "; ")
        })
}
