/// Where in the register (the site's list of every event, figure, total and
/// membership count) the rows of a built-in aggregate come from: the chart
/// tables link each cell there, and the register pages carry the same anchors.
public enum RegisterAnchor {
    /// The page of the register an anchor is on.
    public enum Page: String, Sendable {
        case events = "register-events"
        case facts = "register-facts"
    }

    /// The events of an organisation in a year.
    public static func year(_ organisation: String, _ year: Int) -> String { id("y", organisation, String(year)) }
    /// The events of a body in a year.
    public static func group(_ organisation: String, _ body: String, _ year: Int) -> String {
        id("g", organisation, body, String(year))
    }
    public static func total(_ organisation: String, _ measure: String, from: String?, to: String?) -> String {
        id("t", organisation, measure, from ?? "", to ?? "")
    }
    public static func membership(_ organisation: String, _ role: String, from: String) -> String {
        id("m", organisation, role, from)
    }
    public static func milestones(_ organisation: String, _ kind: String, _ year: Int) -> String {
        id("k", organisation, kind, String(year))
    }

    public static func page(of anchor: String) -> Page { anchor.hasPrefix("y-") || anchor.hasPrefix("g-") ? .events : .facts }

    /// A link to an anchor, from a page at the root of the site.
    public static func href(_ anchor: String) -> String { "\(page(of: anchor).rawValue).html#\(anchor)" }

    /// For a built-in aggregate's table, the function that gives a row its anchor; nil for other tables.
    public static func maker(table: String, columns: [String]) -> (@Sendable ([Value]) -> String?)? {
        func index(_ name: String) -> Int? { columns.firstIndex(of: name) }
        @Sendable func text(_ row: [Value], _ i: Int) -> String? { row[i] == .null ? nil : row[i].description }
        @Sendable func year(_ row: [Value], _ i: Int) -> Int? { if case .integer(let y) = row[i] { Int(y) } else { nil } }
        switch table {
        case "body_year", "year_over_year":
            guard let o = index("organisation"), let b = index("body"), let y = index("year") else { return nil }
            return { row in
                guard let organisation = text(row, o), let body = text(row, b), let year = year(row, y) else { return nil }
                return group(organisation, body, year)
            }
        case "format_mix", "cbm_events":
            guard let o = index("organisation"), let y = index("year") else { return nil }
            return { row in
                guard let organisation = text(row, o), let year = year(row, y) else { return nil }
                return Self.year(organisation, year)
            }
        case "period_totals", "coverage":
            guard let o = index("organisation"), let m = index("measure"), let f = index("period_from"),
                let t = index("period_to")
            else { return nil }
            return { row in
                guard let organisation = text(row, o), let measure = text(row, m) else { return nil }
                return total(organisation, measure, from: text(row, f), to: text(row, t))
            }
        case "membership":
            guard let o = index("organisation"), let r = index("role"), let f = index("valid_from") else { return nil }
            return { row in
                guard let organisation = text(row, o), let role = text(row, r), let from = text(row, f) else { return nil }
                return membership(organisation, role, from: from)
            }
        case "milestones_per_year":
            guard let o = index("organisation"), let k = index("kind"), let y = index("year") else { return nil }
            return { row in
                guard let organisation = text(row, o), let kind = text(row, k), let year = year(row, y) else { return nil }
                return milestones(organisation, kind, year)
            }
        default:
            return nil
        }
    }

    /// An HTML id from its parts: letters, digits and hyphens; anything else as "_" and its code.
    private static func id(_ prefix: String, _ parts: String...) -> String {
        var out = prefix
        for part in parts {
            out += "-"
            for scalar in part.unicodeScalars {
                if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar == "-" || scalar == "." {
                    out += "."
                } else {
                    out += "_" + String(scalar.value, radix: 16)
                }
            }
        }
        return out
    }
}
