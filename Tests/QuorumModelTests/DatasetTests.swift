import Foundation
import Testing
@testable import QuorumModel

@Suite struct DatasetTests {
    @Test func namesThePathOfAValueThatDoesNotFit() {
        let json = #"{"events": [{"organisation": "CICA", "body": "x", "title": "t", "date": "2024-13"}]}"#
        do {
            _ = try Dataset.decode(json: Data(json.utf8), file: "bad.json")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("$.events[0].date"))
            #expect(error.description.contains("no month 13"))
        }
    }

    @Test func findsRepeatedNaturalKeysAndBadValues() {
        var d = Dataset()
        var event = Dataset.Event(organisation: "CICA", body: "youth-council", session: 4, title: "4th Session",
                                  date: try! PartialDate(parsing: "2021-06"), source: "s", locator: "l")
        event.figures = [
            Dataset.Figure(measure: .participants, value: 50, qualifier: .exact, scope: .all, source: "s", locator: "l"),
            Dataset.Figure(measure: .participants, value: -1, qualifier: .exact, scope: .all, source: "s", locator: ""),
        ]
        d.events = [event, event]
        d.countries = [Dataset.Country(code: "kaz", name: "Kazakhstan")]
        let issues = d.validate().map(\.description)
        #expect(issues.contains { $0.hasPrefix("events[1]: repeats events[0]") })
        #expect(issues.contains { $0.hasPrefix("events[0].figures[1]: repeats") })
        #expect(issues.contains("events[0].figures[1].value: must not be negative"))
        #expect(issues.contains("events[0].figures[1].locator: must not be empty"))
        #expect(issues.contains { $0.hasPrefix("countries[0].code") })
    }

    @Test func syntheticDataIsDeterministicAndKeepsItsOwnOrganisation() {
        let a = Array(SyntheticData(seed: 7).figures(rows: 400))
        let b = Array(SyntheticData(seed: 7).figures(rows: 400))
        #expect(a == b)
        #expect(a.allSatisfy { $0.organisation == SyntheticData.organisation && $0.source == SyntheticData.source })
        // The lines of one event describe it the same way.
        for event in stride(from: 0, to: 400, by: 4) {
            let lines = a[event..<event + 4]
            #expect(Set(lines.map { "\($0.body) \($0.session!) \($0.date) \($0.city!) \($0.format!)" }).count == 1)
        }
        #expect(SyntheticData().reference.validate().isEmpty)
    }
}
