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
        var event = Dataset.Event(
            organisation: "CICA", body: "youth-council", session: 4, title: "4th Session",
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

/// Input that cannot be stored as it was given is refused with its place named.
@Suite struct RefusedInputTests {
    @Test func aJSONSyntaxErrorNamesItsLineAndColumn() {
        func problem(_ text: String) -> String? {
            do {
                _ = try Dataset.decode(json: Data(text.utf8), file: "f.json")
                return nil
            } catch { return error.issues.first?.description }
        }
        #expect(
            problem("{\"events\": [\n  {\"title\": \"a\",\n   \"date\" 2024}]}")
                == "$: not valid JSON at line 3, column 11: expected ':' after the key")
        #expect(problem("{\"events\": []} x") == "$: not valid JSON at line 1, column 16: text after the end of the JSON value")
        #expect(
            problem("{\"sources\": [{\"key\": \"é\u{1}\"}]}")
                == "$: not valid JSON at line 1, column 24: a control character inside a string must be escaped")
        #expect(problem("[1, 2") == "$: not valid JSON at line 1, column 6: expected ',' or ']'")
        #expect(Dataset.jsonSyntaxProblem(Data("{\"a\": [1, 2.5e3, true, null, \"\\u00e9\"]}".utf8)) == nil)
    }

    @Test func controlCharactersAndOversizedNumbersAreRefusedWhereverTheyAre() throws {
        let json = #"""
            {"sources": [{"key": "s", "title": "A\u0000B"}],
             "events": [{"organisation": "O", "body": "b", "title": "T", "date": "2024", "source": "s", "locator": "l",
                         "session": 3000000000,
                         "figures": [{"measure": "participants", "value": 2147483648, "qualifier": "exact", "scope": "all",
                                      "source": "s", "locator": "p\u001b2"}]}]}
            """#
        let dataset = try Dataset.decode(json: Data(json.utf8), file: "f.json")
        let issues = dataset.validate().map(\.description)
        #expect(issues.contains("sources[0].title: contains the control character U+0000, which is not stored"))
        #expect(issues.contains("events[0].figures[0].locator: contains the control character U+001B, which is not stored"))
        #expect(issues.contains("events[0].session: is larger than 2147483647, the largest that can be stored"))
        #expect(issues.contains("events[0].figures[0].value: is larger than 2147483647, the largest that can be stored"))
        #expect(!issues.joined().contains("\u{0}") && !issues.joined().contains("\u{1B}"))
    }
}
