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
}
