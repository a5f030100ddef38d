import Foundation

/// A date known to the day, the month or only the year — "June 2021" in a
/// document is a month, not the first of June.
public struct PartialDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public enum Precision: String, CaseIterable, Codable, Sendable { case day, month, year }

    public let year: Int
    public let month: Int?
    public let day: Int?

    public var precision: Precision { day != nil ? .day : month != nil ? .month : .year }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the day exists.
    public init(parsing text: String) throws(FieldError) {
        if let fast = PartialDate(digits: ArraySlice(text.utf8)) {
            self = fast
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let lengths = parts.map(\.count)
        guard (1...3).contains(parts.count), lengths[0] == 4, lengths.dropFirst().allSatisfy({ $0 == 2 }),
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), year >= 1000
        else { throw FieldError("'\(text)' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD") }
        let month = parts.count > 1 ? Int(parts[1]) : nil
        let day = parts.count > 2 ? Int(parts[2]) : nil
        if let month, !(1...12).contains(month) { throw FieldError("'\(text)' has no month \(month)") }
        if let day, let month, !(1...PartialDate.daysIn(month: month, year: year)).contains(day) {
            throw FieldError("'\(text)' is not a day of that month")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` read straight from bytes, when well formed
    /// (the common case); nil sends the text to the checking parser for a message.
    init?(digits bytes: ArraySlice<UInt8>) {
        let start = bytes.startIndex
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[start + index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        let dash = UInt8(ascii: "-")
        guard [4, 7, 10].contains(bytes.count), let year = number(0..<4), year >= 1000 else { return nil }
        var month: Int?
        var day: Int?
        if bytes.count >= 7 {
            guard bytes[start + 4] == dash, let m = number(5..<7), (1...12).contains(m) else { return nil }
            month = m
        }
        if bytes.count == 10 {
            guard bytes[start + 7] == dash, let d = number(8..<10), (1...PartialDate.daysIn(month: month!, year: year)).contains(d) else {
                return nil
            }
            day = d
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The form stored in PostgreSQL: the first day of the period and its precision.
    public init(firstDay: String, precision: Precision) throws(FieldError) {
        let full = try PartialDate(parsing: firstDay)
        switch precision {
        case .day: self = full
        case .month: self = try PartialDate(parsing: String(firstDay.prefix(7)))
        case .year: self = try PartialDate(parsing: String(firstDay.prefix(4)))
        }
    }

    public var description: String {
        var text = padded(year, 4)
        if let month { text += "-" + padded(month, 2) }
        if let day { text += "-" + padded(day, 2) }
        return text
    }

    /// As a reader says it, in English: "2 December 2026", "June 2021", "2024".
    public var words: String {
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December",
        ]
        guard let month else { return String(year) }
        let name = months[month - 1]
        guard let day else { return "\(name) \(year)" }
        return "\(day) \(name) \(year)"
    }

    /// The date in `language`, at its precision, as CLDR writes it: "October 2020",
    /// "октябрь 2020 г.", "2020年10月".
    public func words(in language: Language) -> String {
        if language == .en { return words }
        let template = day != nil ? "dMMMMy" : (month != nil ? "LLLLy" : "y")
        let formatter = DateFormatter()
        formatter.locale = language.locale
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = DateFormatter.dateFormat(fromTemplate: template, options: 0, locale: language.locale)
        var parts = DateComponents()
        (parts.year, parts.month, parts.day) = (year, month ?? 1, day ?? 1)
        guard let date = formatter.calendar.date(from: parts) else { return words }
        return formatter.string(from: date)
    }

    /// The first day of the period, `YYYY-MM-DD`.
    public var firstDay: String {
        "\(padded(year, 4))-\(padded(month ?? 1, 2))-\(padded(day ?? 1, 2))"
    }

    /// The last day of the period, `YYYY-MM-DD`.
    public var lastDay: String {
        let month = self.month ?? 12
        let day = self.day ?? PartialDate.daysIn(month: month, year: year)
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (lhs: PartialDate, rhs: PartialDate) -> Bool {
        (lhs.year, lhs.month ?? 0, lhs.day ?? 0) < (rhs.year, rhs.month ?? 0, rhs.day ?? 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try PartialDate(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Zero-padded decimal digits: `padded(7, 2)` is "07".
func padded(_ value: Int, _ width: Int) -> String {
    let digits = value.description
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
