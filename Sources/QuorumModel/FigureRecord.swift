/// One line of the CSV format: a participation figure and the event it belongs to.
public struct FigureRecord: Equatable, Sendable {
    public var organisation: String
    public var body: String
    public var session: Int?
    public var title: String
    /// The title in other languages (`title_ru`, `title_zh`); nil when the file has
    /// neither column, so that a file without them leaves an event's translations alone.
    public var titles: [String: String]?
    public var date: PartialDate
    public var endDate: PartialDate?
    public var city: String?
    public var country: String?
    public var format: EventFormat?
    public var dimension: String?
    public var priorityArea: String?
    public var status: EventStatus
    /// The document that reports the event, and where; the figure's own when the line gives none.
    public var eventSource: String
    public var eventLocator: String
    public var measure: Measure
    public var value: Int
    public var qualifier: Qualifier
    public var scope: Scope
    public var source: String
    public var locator: String
    public var derivation: String?
    public var note: String?

    public enum Column: String, CaseIterable, Sendable {
        case organisation, body, session, title, date
        case endDate = "end_date"
        case city, country, format, dimension
        case priorityArea = "priority_area"
        case measure, value, qualifier, scope, source, locator, note
        case status
        case eventSource = "event_source"
        case eventLocator = "event_locator"
        case derivation
        case titleRu = "title_ru"
        case titleZh = "title_zh"

        /// The column's place in `allCases`: an array index, cheaper than hashing per cell.
        var ordinal: Int {
            switch self {
            case .organisation: 0
            case .body: 1
            case .session: 2
            case .title: 3
            case .date: 4
            case .endDate: 5
            case .city: 6
            case .country: 7
            case .format: 8
            case .dimension: 9
            case .priorityArea: 10
            case .measure: 11
            case .value: 12
            case .qualifier: 13
            case .scope: 14
            case .source: 15
            case .locator: 16
            case .note: 17
            case .status: 18
            case .eventSource: 19
            case .eventLocator: 20
            case .derivation: 21
            case .titleRu: 22
            case .titleZh: 23
            }
        }

        public var isRequired: Bool {
            switch self {
            case .organisation, .body, .title, .date, .measure, .value, .qualifier, .scope, .source, .locator: true
            default: false
            }
        }
    }

    /// Where each column stands in a file's header.
    public struct Header: Sendable {
        /// By `Column.ordinal`: the column's position in a line, if the file has it.
        let positions: [Int?]
        let width: Int

        /// Reads a header line; unknown, repeated and missing columns are errors.
        public init(_ names: [String]) throws(FieldError) {
            var index: [Column: Int] = [:]
            var problems: [String] = []
            for (position, name) in names.enumerated() {
                let trimmed = name.trimmingSpaces
                guard let column = Column(rawValue: trimmed) else {
                    problems.append("unknown column '\(trimmed)'")
                    continue
                }
                if index[column] != nil { problems.append("column '\(trimmed)' appears twice") }
                index[column] = position
            }
            let missing = Column.allCases.filter { $0.isRequired && index[$0] == nil }.map(\.rawValue)
            if !missing.isEmpty { problems.append("missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))") }
            guard problems.isEmpty else { throw FieldError(problems.joined(separator: "; ")) }
            positions = Column.allCases.map { index[$0] }
            width = names.count
        }
    }

    /// Reads one line, reporting every bad field of it at once.
    public init(fields: [String], header: Header) throws(FieldError) {
        try self.init(fields: CSVFields(fields), header: header)
    }

    /// Reads one line from its bytes: numbers, dates and words are read in place,
    /// and only the text fields become strings.
    public init(fields: CSVFields, header: Header) throws(FieldError) {
        var problems: [String] = []
        /// The cell as the line means it: a defusing apostrophe taken off, spaces
        /// and tabs trimmed; nil when missing or empty.
        func cell(_ column: Column) -> ArraySlice<UInt8>? {
            guard let position = header.positions[column.ordinal], position < fields.count else { return nil }
            var bytes = fields.bytes(position)
            if bytes.first == UInt8(ascii: "'") { bytes = ArraySlice(CSVCell.restore(fields[position]).utf8) }
            while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
            while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
            return bytes.isEmpty ? nil : bytes
        }
        func text(_ column: Column) -> String? {
            cell(column).map { String(decoding: $0, as: UTF8.self) }
        }
        func required(_ column: Column) -> String {
            if let value = text(column) { return value }
            problems.append("\(column.rawValue) is empty")
            return ""
        }
        /// The cell read by `fast`, or by `parse` (which names what is wrong) when `fast` cannot.
        func parsed<T>(
            _ column: Column, fast: (ArraySlice<UInt8>) -> T?,
            _ parse: (String) -> Result<T, FieldError>
        ) -> T? {
            guard let bytes = cell(column) else { return nil }
            if let value = fast(bytes) { return value }
            switch parse(String(decoding: bytes, as: UTF8.self)) {
            case .success(let parsed): return parsed
            case .failure(let error):
                problems.append("\(column.rawValue): \(error)")
                return nil
            }
        }
        func word<T: RawRepresentable & CaseIterable>(_ column: Column, _ type: T.Type) -> T?
        where T.RawValue == String {
            parsed(column, fast: { bytes in T.allCases.first { $0.rawValue.utf8.elementsEqual(bytes) } }) {
                parseWord($0, as: type)
            }
        }
        /// A whole number that fits its column (PostgreSQL's integer).
        func number(_ column: Column, minimum: Int) -> Int? {
            let maximum = Int(Int32.max)
            return parsed(
                column,
                fast: { bytes in
                    guard bytes.count <= 9, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
                    let value = bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                    return value >= minimum ? value : nil
                }
            ) { text in
                guard text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") || (0x30...0x39).contains($0) }),
                    let value = Int(text) ?? (text.count > 18 ? Int.max : nil)
                else { return .failure(FieldError("is not a whole number")) }
                guard value >= minimum else { return .failure(FieldError("\(value) is below \(minimum)")) }
                guard value <= maximum else { return .failure(FieldError("is larger than \(maximum), the largest that can be stored")) }
                return .success(value)
            }
        }
        func partialDate(_ column: Column) -> PartialDate? {
            parsed(column, fast: PartialDate.init(digits:)) { text in
                Result { () throws(FieldError) in try PartialDate(parsing: text) }
            }
        }

        if fields.count != header.width {
            problems.append("has \(fields.count) fields where the header has \(header.width)")
        }
        // Text that cannot be stored as given is refused, whichever column it is in.
        for column in Column.allCases {
            guard let position = header.positions[column.ordinal], position < fields.count,
                let problem = TextCheck.problem(fields.bytes(position))
            else { continue }
            problems.append("\(column.rawValue): \(problem)")
        }
        organisation = required(.organisation)
        body = required(.body)
        session = number(.session, minimum: 1)
        title = required(.title)
        let translated: [(Column, Language)] = [(.titleRu, .ru), (.titleZh, .zh)]
        if translated.contains(where: { header.positions[$0.0.ordinal] != nil }) {
            titles = Dictionary(uniqueKeysWithValues: translated.compactMap { column, language in text(column).map { (language.rawValue, $0) } })
        }
        let date = partialDate(.date)
        if cell(.date) == nil { problems.append("date is empty") }
        endDate = partialDate(.endDate)
        city = text(.city)
        country = text(.country)
        if let country, !isCountryCode(country) {
            problems.append("country: '\(country)' is not an ISO 3166-1 alpha-3 code")
        }
        format = word(.format, EventFormat.self)
        dimension = text(.dimension)
        priorityArea = text(.priorityArea)
        let measure = word(.measure, Measure.self)
        if cell(.measure) == nil { problems.append("measure is empty") }
        let value = number(.value, minimum: 0)
        if cell(.value) == nil { problems.append("value is empty") }
        let qualifier = word(.qualifier, Qualifier.self)
        if cell(.qualifier) == nil { problems.append("qualifier is empty") }
        let scope = word(.scope, Scope.self)
        if cell(.scope) == nil { problems.append("scope is empty") }
        source = required(.source)
        locator = required(.locator)
        derivation = text(.derivation)
        note = text(.note)
        status = word(.status, EventStatus.self) ?? .held
        eventSource = text(.eventSource) ?? source
        eventLocator = text(.eventLocator) ?? locator
        if let endDate, let date {
            if endDate.precision != .day { problems.append("end_date: must be a day (YYYY-MM-DD)") }
            if endDate.lastDay < date.firstDay { problems.append("end_date: is before date") }
        }

        guard problems.isEmpty, let date, let measure, let value, let qualifier, let scope else {
            throw FieldError(problems.joined(separator: "; "))
        }
        self.date = date
        self.measure = measure
        self.value = value
        self.qualifier = qualifier
        self.scope = scope
    }

    public init(event: Dataset.Event, figure: Dataset.Figure) {
        organisation = event.organisation
        body = event.body
        session = event.session
        title = event.title
        titles = event.titles ?? [:]
        date = event.date
        endDate = event.endDate
        city = event.city
        country = event.country
        format = event.format
        dimension = event.dimension
        priorityArea = event.priorityArea
        status = event.status
        eventSource = event.source
        eventLocator = event.locator
        measure = figure.measure
        value = figure.value
        qualifier = figure.qualifier
        scope = figure.scope
        source = figure.source
        locator = figure.locator
        derivation = figure.derivation
        note = figure.note
    }

    /// The record's cells, in `Column.allCases` order.
    public var cells: [String] {
        Column.allCases.map { column in
            switch column {
            case .organisation: organisation
            case .body: body
            case .session: session.map { String($0) } ?? ""
            case .title: title
            case .date: date.description
            case .endDate: endDate?.description ?? ""
            case .city: city ?? ""
            case .country: country ?? ""
            case .format: format?.rawValue ?? ""
            case .dimension: dimension ?? ""
            case .priorityArea: priorityArea ?? ""
            case .measure: measure.rawValue
            case .value: String(value)
            case .qualifier: qualifier.rawValue
            case .scope: scope.rawValue
            case .source: source
            case .locator: locator
            case .note: note ?? ""
            case .status: status.rawValue
            case .eventSource: eventSource
            case .eventLocator: eventLocator
            case .derivation: derivation ?? ""
            case .titleRu: titles?[Language.ru.rawValue] ?? ""
            case .titleZh: titles?[Language.zh.rawValue] ?? ""
            }
        }
    }

    public static var headerLine: String { CSVWriter.line(Column.allCases.map(\.rawValue)) }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        func blank(_ byte: UInt8?) -> Bool { byte == 0x20 || byte == 0x09 }
        var text = self
        guard text.withUTF8({ blank($0.first) || blank($0.last) }) else { return self }  // the common case, no copy
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
