import Foundation
import Testing

@testable import QuorumModel

@Suite struct CronScheduleTests {
    func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    func runs(_ expression: String, _ zone: String, after: String, count: Int) throws -> [String] {
        try CronSchedule(expression, timeZone: zone).runs(after: utc(after), count: count).map(iso)
    }

    @Test func dailyRunsFollowTheLocalClockAcrossBerlinsChanges() throws {
        // 2025-03-30: 02:00 CET → 03:00 CEST. 2025-10-26: 03:00 CEST → 02:00 CET.
        #expect(
            try runs("0 9 * * *", "Europe/Berlin", after: "2025-03-29T00:00:00Z", count: 2)
                == ["2025-03-29T08:00:00Z", "2025-03-30T07:00:00Z"])
        #expect(
            try runs("0 9 * * *", "Europe/Berlin", after: "2025-10-25T00:00:00Z", count: 2)
                == ["2025-10-25T07:00:00Z", "2025-10-26T08:00:00Z"])
    }

    @Test func aTimeInTheSpringGapRunsOnceShiftedForward() throws {
        // 02:30 does not exist in Berlin on 2025-03-30: it runs at 03:30 CEST (01:30 UTC).
        #expect(
            try runs("30 2 * * *", "Europe/Berlin", after: "2025-03-29T12:00:00Z", count: 2)
                == ["2025-03-30T01:30:00Z", "2025-03-31T00:30:00Z"])
        // New York, 2025-03-09: 02:00 EST → 03:00 EDT.
        #expect(
            try runs("30 2 * * *", "America/New_York", after: "2025-03-08T12:00:00Z", count: 1)
                == ["2025-03-09T07:30:00Z"])
    }

    @Test func aTimeThatOccursTwiceRunsOnceAtItsFirstOccurrence() throws {
        // New York, 2025-11-02: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST); only the first runs.
        #expect(
            try runs("30 1 * * *", "America/New_York", after: "2025-11-01T12:00:00Z", count: 2)
                == ["2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"])
        // Sydney, 2025-04-06: 03:00 AEDT → 02:00 AEST; 02:30 happens twice.
        #expect(
            try runs("30 2 * * *", "Australia/Sydney", after: "2025-04-05T00:00:00Z", count: 2)
                == ["2025-04-05T15:30:00Z", "2025-04-06T16:30:00Z"])
        // Hourly runs through the repeated hour: each wall-clock time once.
        let hourly = try runs("0 * * * *", "Europe/Berlin", after: "2025-10-25T23:30:00Z", count: 4)
        #expect(hourly == ["2025-10-26T00:00:00Z", "2025-10-26T02:00:00Z", "2025-10-26T03:00:00Z", "2025-10-26T04:00:00Z"])
    }

    @Test func sydneySpringForward() throws {
        // Sydney, 2025-10-05: 02:00 AEST → 03:00 AEDT; 02:15 runs at 03:15 AEDT (16:15Z the day before).
        #expect(
            try runs("15 2 * * *", "Australia/Sydney", after: "2025-10-04T00:00:00Z", count: 2)
                == ["2025-10-04T16:15:00Z", "2025-10-05T15:15:00Z"])
    }

    @Test func fieldsListsRangesStepsAndNames() throws {
        #expect(
            try runs("*/20 8-9 * * mon-fri", "UTC", after: "2025-06-06T09:30:00Z", count: 4)
                == ["2025-06-06T09:40:00Z", "2025-06-09T08:00:00Z", "2025-06-09T08:20:00Z", "2025-06-09T08:40:00Z"])
        #expect(try runs("@monthly", "Asia/Almaty", after: "2025-01-15T00:00:00Z", count: 1) == ["2025-01-31T19:00:00Z"])
        // Day of month OR day of week when both are given.
        #expect(
            try runs("0 0 13 * fri", "UTC", after: "2025-06-01T00:00:00Z", count: 2)
                == ["2025-06-06T00:00:00Z", "2025-06-13T00:00:00Z"])
        #expect(try CronSchedule("0 0 31 2 *", timeZone: "UTC").next(after: utc("2025-01-01T00:00:00Z")) == nil)
    }

    @Test(arguments: ["* * * *", "60 * * * *", "* 24 * * *", "5-1 * * * *", "*/0 * * * *", "* * * foo *"])
    func refusesBadExpressions(_ expression: String) {
        #expect(throws: FieldError.self) { try CronSchedule(expression, timeZone: "UTC") }
    }

    @Test func theHourlyConstantIsTheParsedExpression() throws {
        #expect(CronSchedule.hourly == (try CronSchedule("0 * * * *", timeZone: "UTC")))
        #expect(CronSchedule.hourly.next(after: utc("2026-12-02T10:59:00Z")) == utc("2026-12-02T11:00:00Z"))
    }

    @Test func refusesAnUnknownTimeZone() {
        #expect(throws: FieldError.self) { try CronSchedule("0 * * * *", timeZone: "Mars/Olympus") }
    }
}
