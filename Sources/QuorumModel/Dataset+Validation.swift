import Foundation

/// One thing wrong with an input, and where: a JSON path or a CSV line.
public struct InputIssue: Error, Equatable, Sendable, CustomStringConvertible {
    public let location: String
    public let message: String
    /// Control characters that a quoted value brings in are written as code points:
    /// a message never carries them to a terminal or a log.
    public init(_ location: String, _ message: String) {
        self.location = TextCheck.visible(location)
        self.message = TextCheck.visible(message)
    }
    public var description: String { "\(location): \(message)" }
}

/// Every issue of an input that was refused; nothing of it was written.
public struct InvalidInput: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let issues: [InputIssue]
    /// Issues beyond those listed, when there were very many.
    public let more: Int

    public init(file: String, issues: [InputIssue], more: Int = 0) {
        self.file = file
        self.issues = issues
        self.more = more
    }

    public var description: String {
        let total = issues.count + more
        var lines = ["\(file): \(total) problem\(total == 1 ? "" : "s"); nothing was imported"]
        lines += issues.map { "  \($0)" }
        if more > 0 { lines.append("  … and \(more) more") }
        return lines.joined(separator: "\n")
    }
}

extension Dataset {
    /// Reads the JSON format, naming the path of the first value that does not fit.
    public static func decode(json data: Data, file: String) throws(InvalidInput) -> Dataset {
        do {
            return try JSONDecoder().decode(Dataset.self, from: data)
        } catch let error as DecodingError {
            throw InvalidInput(file: file, issues: [Dataset.issue(from: error, in: data)])
        } catch {
            throw InvalidInput(file: file, issues: [Dataset.syntaxIssue(in: data)])
        }
    }

    /// The JSON format, stable byte for byte for the same dataset.
    public func encodedJSON() throws -> Data {
        var data = try JSONEncoder.stable.encode(self)
        data.append(0x0A)
        return data
    }

    /// Where the text stops being JSON, by line and column.
    private static func syntaxIssue(in data: Data) -> InputIssue {
        InputIssue("$", jsonSyntaxProblem(data) ?? "not valid JSON")
    }

    /// "not valid JSON at line 3, column 7: expected ',' or '}'", or nil for valid JSON.
    public static func jsonSyntaxProblem(_ data: Data) -> String? {
        JSONSyntax.firstError(in: Array(data)).map { "not valid JSON at line \($0.line), column \($0.column): \($0.message)" }
    }

    private static func issue(from error: DecodingError, in data: Data) -> InputIssue {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("$") { path, key in
                if let index = key.intValue { return path + "[\(index)]" }
                return path + "." + key.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return InputIssue(path(context.codingPath + [key]), "is required")
        case .typeMismatch(let type, let context):
            return InputIssue(path(context.codingPath), "should be \(jsonType(type))")
        case .valueNotFound(let type, let context):
            return InputIssue(path(context.codingPath), "should be \(jsonType(type)), not null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return syntaxIssue(in: data) }
            var message = context.debugDescription
            if message.hasPrefix("Cannot initialize") {
                message = "is not one of the allowed words (see docs/data-format.md)"
            }
            return InputIssue(path(context.codingPath), message)
        @unknown default:
            return InputIssue("$", "cannot be read")
        }
    }

    private static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is String.Type: "a string"
        case is [Any].Type: "an array"
        default: "a different kind of value"
        }
    }

    /// Checks what can be checked without the database: required text, ranges,
    /// codes, date order, and that no natural key appears twice in the file.
    public func validate() -> [InputIssue] {
        var issues: [InputIssue] = []
        func require(_ text: String, _ location: String) {
            if text.trimmingCharacters(in: .whitespaces).isEmpty { issues.append(InputIssue(location, "must not be empty")) }
        }
        func countryCode(_ code: String, _ location: String) {
            if !isCountryCode(code) {
                issues.append(InputIssue(location, "'\(code)' is not an ISO 3166-1 alpha-3 code (three capital letters)"))
            }
        }
        func unique<Key: Hashable>(_ keys: [Key], _ section: String, _ describe: (Key) -> String) {
            var seen: [Key: Int] = [:]
            for (index, key) in keys.enumerated() {
                if let first = seen[key] {
                    issues.append(InputIssue("\(section)[\(index)]", "repeats \(section)[\(first)] (\(describe(key)))"))
                } else {
                    seen[key] = index
                }
            }
        }

        // Every text of the file, wherever it is: one that cannot be stored as given is refused.
        Dataset.forEachText(in: self, at: "") { text, path in
            if let problem = TextCheck.problem(text) { issues.append(InputIssue(path, problem)) }
        }
        // Translations: in the languages Quorum speaks, never empty.
        func translations(_ names: [String: String]?, _ location: String) {
            let allowed = Language.translated.map(\.rawValue)
            for (language, name) in (names ?? [:]).sorted(by: { $0.key < $1.key }) {
                if !allowed.contains(language) {
                    issues.append(
                        InputIssue("\(location).\(language)", "is not a language Quorum translates into (\(allowed.joined(separator: ", ")))"))
                }
                require(name, "\(location).\(language)")
            }
        }
        for (i, organisation) in organisations.enumerated() { translations(organisation.names, "organisations[\(i)].names") }
        for (i, body) in bodies.enumerated() { translations(body.names, "bodies[\(i)].names") }
        for (i, dimension) in dimensions.enumerated() { translations(dimension.names, "dimensions[\(i)].names") }
        for (i, area) in priorityAreas.enumerated() { translations(area.names, "priorityAreas[\(i)].names") }
        for (i, event) in events.enumerated() { translations(event.titles, "events[\(i)].titles") }
        // Whole numbers that must fit PostgreSQL's integer.
        for (i, event) in events.enumerated() {
            if let session = event.session, session > Int(Int32.max) {
                issues.append(InputIssue("events[\(i)].session", "is larger than \(Int32.max), the largest that can be stored"))
            }
            for (j, figure) in event.figures.enumerated() where figure.value > Int(Int32.max) {
                issues.append(InputIssue("events[\(i)].figures[\(j)].value", "is larger than \(Int32.max), the largest that can be stored"))
            }
        }
        for (i, count) in membershipCounts.enumerated() where count.count > Int(Int32.max) {
            issues.append(InputIssue("membershipCounts[\(i)].count", "is larger than \(Int32.max), the largest that can be stored"))
        }
        for (i, source) in sources.enumerated() {
            require(source.key, "sources[\(i)].key")
            require(source.title, "sources[\(i)].title")
        }
        unique(sources.map(\.key), "sources") { "key \($0)" }
        for (i, organisation) in organisations.enumerated() {
            require(organisation.code, "organisations[\(i)].code")
            require(organisation.name, "organisations[\(i)].name")
        }
        unique(organisations.map(\.code), "organisations") { "code \($0)" }
        for (i, country) in countries.enumerated() {
            countryCode(country.code, "countries[\(i)].code")
            require(country.name, "countries[\(i)].name")
        }
        unique(countries.map(\.code), "countries") { "code \($0)" }
        for (i, body) in bodies.enumerated() {
            require(body.code, "bodies[\(i)].code")
            require(body.name, "bodies[\(i)].name")
        }
        unique(bodies.map { [$0.organisation, $0.code] }, "bodies") { $0.joined(separator: "/") }
        unique(dimensions.map(\.code), "dimensions") { "code \($0)" }
        unique(priorityAreas.map(\.code), "priorityAreas") { "code \($0)" }
        func derivation(_ text: String?, _ location: String) {
            if let text { require(text, location) }
        }
        for (i, coordinator) in coordinators.enumerated() {
            countryCode(coordinator.country, "coordinators[\(i)].country")
            require(coordinator.locator, "coordinators[\(i)].locator")
        }
        for (i, membership) in memberships.enumerated() {
            countryCode(membership.country, "memberships[\(i)].country")
            require(membership.locator, "memberships[\(i)].locator")
            derivation(membership.derivation, "memberships[\(i)].derivation")
        }
        for (i, count) in membershipCounts.enumerated() {
            if count.count < 0 { issues.append(InputIssue("membershipCounts[\(i)].count", "must not be negative")) }
            require(count.locator, "membershipCounts[\(i)].locator")
            derivation(count.derivation, "membershipCounts[\(i)].derivation")
        }

        for (i, event) in events.enumerated() {
            let at = "events[\(i)]"
            require(event.title, "\(at).title")
            require(event.source, "\(at).source")
            require(event.locator, "\(at).locator")
            if let session = event.session, session <= 0 {
                issues.append(InputIssue("\(at).session", "must be 1 or more"))
            }
            if let end = event.endDate {
                if end.precision != .day { issues.append(InputIssue("\(at).endDate", "must be a day (YYYY-MM-DD)")) }
                if end.lastDay < event.date.firstDay { issues.append(InputIssue("\(at).endDate", "is before the date")) }
            }
            if let country = event.country { countryCode(country, "\(at).country") }
            for (j, figure) in event.figures.enumerated() {
                if figure.value < 0 { issues.append(InputIssue("\(at).figures[\(j)].value", "must not be negative")) }
                require(figure.locator, "\(at).figures[\(j)].locator")
                derivation(figure.derivation, "\(at).figures[\(j)].derivation")
            }
            unique(event.figures.map(\.measure), "\(at).figures") { "measure \($0.rawValue)" }
            for (j, attendee) in event.attendees.enumerated() {
                if attendee.kind == .country { countryCode(attendee.code, "\(at).attendees[\(j)].code") }
                require(attendee.locator, "\(at).attendees[\(j)].locator")
            }
            unique(event.attendees.map { [$0.kind.rawValue, $0.code] }, "\(at).attendees") { $0.joined(separator: " ") }
        }
        unique(events.map(\.naturalKey), "events") { $0 }

        for (i, total) in totals.enumerated() {
            require(total.measure, "totals[\(i)].measure")
            require(total.label, "totals[\(i)].label")
            if total.value < 0 { issues.append(InputIssue("totals[\(i)].value", "must not be negative")) }
            require(total.locator, "totals[\(i)].locator")
            derivation(total.derivation, "totals[\(i)].derivation")
            if let from = total.from, let to = total.to, to.lastDay < from.firstDay {
                issues.append(InputIssue("totals[\(i)].to", "is before from"))
            }
        }
        for (i, milestone) in milestones.enumerated() {
            require(milestone.subject, "milestones[\(i)].subject")
            require(milestone.locator, "milestones[\(i)].locator")
            derivation(milestone.derivation, "milestones[\(i)].derivation")
            if milestone.from == nil && milestone.to == nil {
                issues.append(InputIssue("milestones[\(i)]", "needs a date: from, to, or both"))
            }
            if let from = milestone.from, let to = milestone.to, to.lastDay < from.firstDay {
                issues.append(InputIssue("milestones[\(i)].to", "is before from"))
            }
            if let country = milestone.country { countryCode(country, "milestones[\(i)].country") }
        }
        return issues
    }
}

extension Dataset {
    /// Calls `body` with every string of `value` and its path (`events[3].title`), walking
    /// the dataset's structs and arrays, so that no text field can be forgotten.
    static func forEachText(in value: Any, at path: String, _ body: (String, String) -> Void) {
        if let text = value as? String {
            body(text, path)
            return
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first { forEachText(in: wrapped.value, at: path, body) }
        case .collection:
            for (index, child) in mirror.children.enumerated() { forEachText(in: child.value, at: "\(path)[\(index)]", body) }
        case .dictionary:
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                guard pair.count == 2, let key = pair[0].value as? String else { continue }
                forEachText(in: pair[1].value, at: "\(path).\(key)", body)
            }
        case .struct:
            for child in mirror.children {
                guard let label = child.label else { continue }
                forEachText(in: child.value, at: path.isEmpty ? label : "\(path).\(label)", body)
            }
        default:
            break
        }
    }
}

/// Three capital ASCII letters, as ISO 3166-1 alpha-3 codes are.
public func isCountryCode(_ code: String) -> Bool {
    code.utf8.count == 3 && code.utf8.allSatisfy { (65...90).contains($0) }
}
