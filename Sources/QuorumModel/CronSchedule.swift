import Foundation

/// A cron expression read in an IANA time zone.
///
/// Five fields — minute, hour, day of month, month, day of week — with `*`,
/// lists, ranges, steps and names (`jan`, `mon`), or one of `@hourly`, `@daily`,
/// `@weekly`, `@monthly`, `@yearly`. When both day fields are restricted a day
/// matching either runs, as in Vixie cron.
///
/// Daylight-saving changes, defined:
/// - a local time that does not exist (clocks jump from 02:00 to 03:00) runs once,
///   shifted forward by the length of the jump: 02:30 runs at 03:30;
/// - a local time that occurs twice (clocks go back from 03:00 to 02:00) runs once,
///   at its first occurrence.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    public let expression: String
    public let timeZone: TimeZone
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>  // 0 = Sunday
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public init(_ expression: String, timeZone identifier: String) throws(FieldError) {
        guard let timeZone = TimeZone(identifier: identifier) else {
            throw FieldError("'\(identifier)' is not an IANA time zone (like Europe/Berlin or Asia/Almaty)")
        }
        let aliases = [
            "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
            "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
        ]
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        let fields = (aliases[trimmed.lowercased()] ?? trimmed).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw FieldError("'\(expression)' needs five fields (minute hour day-of-month month day-of-week)")
        }
        let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        self.expression = expression
        self.timeZone = timeZone
        minutes = try CronSchedule.field(fields[0], "minute", 0...59)
        hours = try CronSchedule.field(fields[1], "hour", 0...23)
        daysOfMonth = try CronSchedule.field(fields[2], "day of month", 1...31)
        months = try CronSchedule.field(fields[3], "month", 1...12, names: monthNames, firstName: 1)
        // 7 is Sunday too.
        daysOfWeek = Set(try CronSchedule.field(fields[4], "day of week", 0...7, names: dayNames, firstName: 0).map { $0 % 7 })
        dayOfMonthRestricted = fields[2] != "*"
        dayOfWeekRestricted = fields[4] != "*"
    }

    /// At minute 0 of every hour, in UTC: "0 * * * *", built from its fields, so it cannot fail.
    public static let hourly = CronSchedule(
        expression: "0 * * * *", timeZone: TimeZone(identifier: "UTC")!, minutes: [0], hours: Set(0...23),
        daysOfMonth: Set(1...31), months: Set(1...12), daysOfWeek: Set(0...6), dayOfMonthRestricted: false,
        dayOfWeekRestricted: false)

    private init(
        expression: String, timeZone: TimeZone, minutes: Set<Int>, hours: Set<Int>, daysOfMonth: Set<Int>,
        months: Set<Int>, daysOfWeek: Set<Int>, dayOfMonthRestricted: Bool, dayOfWeekRestricted: Bool
    ) {
        self.expression = expression
        self.timeZone = timeZone
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.dayOfMonthRestricted = dayOfMonthRestricted
        self.dayOfWeekRestricted = dayOfWeekRestricted
    }

    public var description: String { "\(expression) (\(timeZone.identifier))" }

    /// The first run strictly after `instant`, or nil if there is none within eight years
    /// (an expression like `0 0 31 2 *` never runs).
    public func next(after instant: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Walk local calendar days, starting the day before to catch shifted times.
        let local = instant.addingTimeInterval(TimeInterval(timeZone.secondsFromGMT(for: instant)))
        var day = calendar.startOfDay(for: local).addingTimeInterval(-86_400)
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        for _ in 0..<(366 * 8) {
            defer { day = day.addingTimeInterval(86_400) }
            let parts = calendar.dateComponents([.month, .day, .weekday], from: day)
            guard months.contains(parts.month!), matches(dayOfMonth: parts.day!, weekday: parts.weekday! - 1) else { continue }
            var best: Date?
            for hour in sortedHours {
                for minute in sortedMinutes {
                    let wall = day.timeIntervalSince1970 + TimeInterval(hour * 3600 + minute * 60)
                    let run = resolve(wallClock: wall)
                    if run > instant, best.map({ run < $0 }) ?? true { best = run }
                }
            }
            if let best { return best }
        }
        return nil
    }

    /// The next `count` runs after `instant`.
    public func runs(after instant: Date, count: Int) -> [Date] {
        var runs: [Date] = []
        var cursor = instant
        while runs.count < count, let run = next(after: cursor) {
            runs.append(run)
            cursor = run
        }
        return runs
    }

    private func matches(dayOfMonth: Int, weekday: Int) -> Bool {
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): daysOfMonth.contains(dayOfMonth) || daysOfWeek.contains(weekday)
        case (true, false): daysOfMonth.contains(dayOfMonth)
        case (false, true): daysOfWeek.contains(weekday)
        case (false, false): true
        }
    }

    /// The instant at which a local wall-clock time (seconds since 1970 as if UTC)
    /// occurs: its first occurrence when it occurs twice, shifted forward by the
    /// gap when it does not occur.
    func resolve(wallClock wall: TimeInterval) -> Date {
        let before = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 14 * 3600 - 86_400 / 2))
        let after = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 14 * 3600 + 86_400 / 2))
        let valid = Set([before, after]).map { Date(timeIntervalSince1970: wall - TimeInterval($0)) }
            .filter { timeZone.secondsFromGMT(for: $0) == Int(wall - $0.timeIntervalSince1970) }
        if let first = valid.min() { return first }
        return Date(timeIntervalSince1970: wall - TimeInterval(before))
    }

    private static func field(
        _ text: String, _ name: String, _ range: ClosedRange<Int>,
        names: [String] = [], firstName: Int = 0
    ) throws(FieldError) -> Set<Int> {
        func number(_ token: Substring) throws(FieldError) -> Int {
            if let value = Int(token), range.contains(value) { return value }
            if let index = names.firstIndex(of: token.lowercased()) { return index + firstName }
            throw FieldError("\(name): '\(token)' is not a value from \(range.lowerBound) to \(range.upperBound)")
        }
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(pieces.count) else { throw FieldError("\(name): '\(part)' has more than one step") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { throw FieldError("\(name): step '\(pieces[1])' is not a positive number") }
                step = parsed
            }
            let span: ClosedRange<Int>
            if pieces[0] == "*" {
                span = range
            } else if let dash = pieces[0].firstIndex(of: "-") {
                let low = try number(pieces[0][..<dash])
                let high = try number(pieces[0][pieces[0].index(after: dash)...])
                guard low <= high else { throw FieldError("\(name): range '\(pieces[0])' runs backwards") }
                span = low...high
            } else {
                let single = try number(pieces[0])
                span = single...(pieces.count == 2 ? range.upperBound : single)
            }
            values.formUnion(stride(from: span.lowerBound, through: span.upperBound, by: step))
        }
        return values
    }
}
