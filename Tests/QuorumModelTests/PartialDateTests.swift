import Testing

@testable import QuorumModel

@Suite struct PartialDateTests {
    @Test func readsEachPrecision() throws {
        #expect(try PartialDate(parsing: "2024").precision == .year)
        #expect(try PartialDate(parsing: "2024-06").precision == .month)
        #expect(try PartialDate(parsing: "2024-06-30").precision == .day)
        #expect(try PartialDate(parsing: "2024-06").firstDay == "2024-06-01")
        #expect(try PartialDate(parsing: "2024-02").lastDay == "2024-02-29")
        #expect(try PartialDate(parsing: "2023-02").lastDay == "2023-02-28")
        #expect(try PartialDate(parsing: "2024").lastDay == "2024-12-31")
    }

    @Test(arguments: ["", "24", "2024-6", "2024-13", "2023-02-29", "2024-06-31", "2024/06", "２０２４", "2024-06-01T00"])
    func refusesMalformedDates(_ text: String) {
        #expect(throws: FieldError.self) { try PartialDate(parsing: text) }
    }

    @Test func roundTripsThroughTheDatabaseForm() throws {
        for text in ["2021", "2021-12", "2021-12-05"] {
            let date = try PartialDate(parsing: text)
            #expect(try PartialDate(firstDay: date.firstDay, precision: date.precision) == date)
            #expect(date.description == text)
        }
    }

    @Test func ordersByPeriod() throws {
        #expect(try PartialDate(parsing: "2021-06") < PartialDate(parsing: "2021-07-01"))
        #expect(try PartialDate(parsing: "2020") < PartialDate(parsing: "2021-01"))
    }
}

@Suite struct QualifierTests {
    @Test func showsTheQualifier() {
        #expect(Qualifier.exact.format("116") == "116")
        #expect(Qualifier.atLeast.format("140") == "140+")
        #expect(Qualifier.approximately.format("150") == "≈150")
    }

    /// A rejected value is quoted for the reader, but its control characters are
    /// written as code points: a message never carries them to a terminal or a log.
    @Test func aRefusedValueIsQuotedWithoutItsControlCharacters() {
        #expect(throws: FieldError("'2024-<U+001A><U+001B>[1m' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")) {
            try PartialDate(parsing: "2024-\u{1A}\u{1B}[1m")
        }
        let issue = InputIssue("line 3", "scope: 'member\u{0}states' is not one of: all")
        #expect(issue.description == "line 3: scope: 'member<U+0000>states' is not one of: all")
        #expect(TextCheck.visible("tab\there\r\n") == "tab<U+0009>here<U+000D><U+000A>")
    }
}
