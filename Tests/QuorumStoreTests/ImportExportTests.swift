import Foundation
import QuorumModel
import QuorumTestSupport
import Testing

@testable import QuorumStore

func importCSV(_ text: String, into c: Connection) throws -> ImportSummary {
    try FigureImporter(c).run(FigureLines(bytes: Array(text.utf8)), file: "test.csv")
}

func count(_ c: Connection, _ table: String) throws -> Int {
    try c.query(SQL("SELECT count(*) FROM quorum.\(table)", binds: []))[0].require(Int.self, at: 0)
}

/// The header of a file without the translated titles' columns.
let header = CSVWriter.line(FigureRecord.Column.allCases.filter { ![.titleRu, .titleZh].contains($0) }.map(\.rawValue))

/// The events of the built-in dataset, which every seeded test database holds.
let demoEvents = try! DemoData.dataset().events.count

func line(
    session: Int, measure: String = "participants", value: String = "10", body: String = "youth-council",
    title: String? = nil, source: String = "cica-2020-2024"
) -> String {
    CSVWriter.line([
        "CICA", body, "\(session)", title ?? "Session \(session)", "2030-01", "", "Astana", "KAZ",
        "hybrid", "", "", measure, value, "exact", "all", source, "test line", "", "", "", "", "",
    ])
}

@Suite(.testDatabases) struct ImportTests {
    @Test func aCSVWithOneBadLineAmongAThousandLoadsNothingAndNamesIt() throws {
        let c = try TestDatabase.seeded()
        let figures = try count(c, "figure")
        var text = header
        for n in 1...1000 { text += line(session: 100 + n, value: n == 500 ? "many" : "\(n)") }
        do {
            _ = try importCSV(text, into: c)
            Issue.record("a bad file was imported")
        } catch let error as InvalidInput {
            #expect(error.issues.map(\.description) == ["line 501: value: is not a whole number"])
        }
        #expect(try count(c, "figure") == figures)
        #expect(try count(c, "event") == demoEvents)
    }

    /// Without fresh statistics the planner takes a read of a thousand events among
    /// a million figures for a read of all of them (a register query took 280 ms, not 5).
    @Test func aBulkLoadMeasuresTheTablesAndASmallImportDoesNot() throws {
        let c = try TestDatabase.seeded()
        func analyses() throws -> [Int] {
            _ = try c.query("SELECT pg_stat_clear_snapshot()")
            return try c.query(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE schemaname = 'quorum' AND relname IN ('event', 'figure') ORDER BY relname"
            ).map { try $0.require(Int.self, at: 0) }
        }
        _ = try DatasetImporter(c).run(SyntheticData().reference, file: "synthetic.json")
        let before = try analyses()
        let small = FigureRecord.headerLine + SyntheticData().figures(rows: 100).map { CSVWriter.line($0.cells) }.joined()
        _ = try FigureImporter(c).run(FigureLines(bytes: Array(small.utf8)), file: "small.csv")
        #expect(try analyses() == before)
        let bulk = FigureRecord.headerLine + SyntheticData(seed: 7).figures(rows: ImportSummary.bulkLoad).map { CSVWriter.line($0.cells) }.joined()
        _ = try FigureImporter(c).run(FigureLines(bytes: Array(bulk.utf8)), file: "bulk.csv")
        #expect(try analyses() == before.map { $0 + 1 })
    }

    @Test func unknownReferencesAndRepeatsAreNamedByLine() throws {
        let c = try TestDatabase.seeded()
        let text =
            header + line(session: 200) + line(session: 201, body: "no-such-body")
            + line(session: 202, source: "nowhere") + line(session: 200, value: "11")
        do {
            _ = try importCSV(text, into: c)
            Issue.record("imported")
        } catch let error as InvalidInput {
            let issues = error.issues.map(\.description)
            #expect(issues.contains("line 3: unknown body 'no-such-body' of organisation 'CICA'"))
            #expect(issues.contains("line 4: unknown source 'nowhere'"))
            #expect(issues.contains("line 5: repeats the participants figure of line 2"))
        }
        #expect(try count(c, "event") == demoEvents)
    }

    @Test func reimportUpdatesInsteadOfDuplicating() throws {
        let c = try TestDatabase.seeded()
        let first = try importCSV(header + line(session: 300) + line(session: 300, measure: "member_states", value: "5"), into: c)
        #expect(first.counts["events"]?.created == 1)
        #expect(first.counts["figures"]?.created == 2)
        // Besides the same two figures: a new figure of that event, and a new event.
        let again = try importCSV(
            header + line(session: 300) + line(session: 300, measure: "member_states", value: "6")
                + line(session: 300, measure: "organisations", value: "3") + line(session: 301), into: c)
        #expect(again.counts["events"]?.created == 1)
        #expect(again.counts["events"]?.unchanged == 1)
        #expect(again.counts["figures"]?.created == 2)
        #expect(again.counts["figures"]?.updated == 1)
        #expect(again.counts["figures"]?.unchanged == 1)
        #expect(try count(c, "event") == demoEvents + 2)
        #expect(
            try c.query(
                """
                SELECT count(*) FROM quorum.figure f JOIN quorum.event e ON e.id = f.event_id WHERE e.session IN (300, 301)
                """)[0].require(Int.self, at: 0) == 4)
        #expect(
            try c.query(
                """
                SELECT f.value FROM quorum.figure f JOIN quorum.event e ON e.id = f.event_id
                WHERE e.session = 300 AND f.measure = 'member_states'
                """)[0].require(Int.self, at: 0) == 6)
    }

    /// A body with no events yet takes the path that draws ids from the sequence:
    /// more events than one block of ids, in a file with events of a body that has
    /// some, whose figures are upserted instead.
    @Test func eventsOfABodyWithoutEventsTakeIDsFromTheSequence() throws {
        let c = try TestDatabase.seeded()
        let body = "council-of-eminent-persons"
        var text = header
        for n in 1...3000 {
            text += line(session: n, value: "\(n)", body: body) + line(session: n, measure: "organisations", value: "1", body: body)
        }
        text += line(session: 500) + line(session: 501)
        let summary = try importCSV(text, into: c)
        #expect(summary.counts["events"] == ImportSummary.Count(created: 3002))
        #expect(summary.counts["figures"] == ImportSummary.Count(created: 6002))
        // Every figure went to its own event.
        #expect(
            try c.query(
                """
                SELECT count(*) FROM quorum.figure f JOIN quorum.event e ON e.id = f.event_id
                JOIN quorum.body b ON b.id = e.body_id
                WHERE b.code = \(body) AND f.measure = 'participants' AND f.value = e.session
                """)[0].require(Int.self, at: 0) == 3000)
        // The ids drawn are spent: events that take the sequence's next value later do not collide.
        #expect(try importCSV(header + line(session: 502) + line(session: 503), into: c).counts["events"]?.created == 2)
        #expect(try importCSV(text, into: c).counts["figures"] == ImportSummary.Count(unchanged: 6002))
    }

    @Test func aBadLineLeavesNoEventOfABodyWithoutEvents() throws {
        let c = try TestDatabase.seeded()
        var text = header
        for n in 1...2000 { text += line(session: n, value: n == 1500 ? "-1" : "\(n)", body: "council-of-eminent-persons") }
        #expect(throws: InvalidInput.self) { try importCSV(text, into: c) }
        #expect(try count(c, "event") == demoEvents)
        #expect(
            try importCSV(header + line(session: 1, body: "council-of-eminent-persons"), into: c)
                .counts["events"]?.created == 1)
    }

    @Test func aTemporaryDirectoryThatCannotBeUsedIsNamedAndNothingIsWritten() throws {
        let c = try TestDatabase.seeded()
        var importer = FigureImporter(c)
        importer.temporaryDirectory = "/nonexistent/quorum-tmp"
        let error = #expect(throws: TemporaryFileError.self) {
            try importer.run(FigureLines(bytes: Array((header + line(session: 1, body: "council-of-eminent-persons")).utf8)), file: "test.csv")
        }
        #expect(error?.description.hasPrefix("cannot use a temporary file in /nonexistent/quorum-tmp") == true)
        #expect(try count(c, "event") == demoEvents)
    }

    @Test func moreMemberStatesThanMembersIsRefusedByLineAndByTheDatabase() throws {
        let c = try TestDatabase.seeded()
        // CICA had 28 members in 2030 by the dataset's latest count.
        let text =
            header + line(session: 401, measure: "member_states", value: "28").replacingOccurrences(of: ",all,", with: ",member_states,")
            + line(session: 400, measure: "member_states", value: "29").replacingOccurrences(of: ",all,", with: ",member_states,")
        let error = #expect(throws: InvalidInput.self) { try importCSV(text, into: c) }
        #expect(error?.issues == [InputIssue("line 3", "value: 29 member states, but organisation 'CICA' had 28 members on 2030-01-31")])
        #expect(try count(c, "event") == demoEvents)
        // The same rule in the database, for every other writer.
        #expect {
            try c.execute("UPDATE quorum.figure SET value = value + 100 WHERE measure = 'member_states' AND scope = 'member_states'")
        } throws: { "\($0)".contains("member states, but its organisation had") }
        #expect(throws: PQError.self) {
            try c.execute("UPDATE quorum.figure SET value = -1 WHERE measure = 'participants'")
        }
    }

    @Test func aJSONFileWithABadReferenceLoadsNothing() throws {
        let c = try TestDatabase.connect()
        var d = try DemoData.dataset()
        d.events[3].body = "missing-body"
        d.milestones[0].source = "missing-source"
        do {
            _ = try DatasetImporter(c).run(d, file: "x.json")
            Issue.record("imported")
        } catch let error as InvalidInput {
            #expect(error.issues.contains { $0.location == "events[3].body" })
            #expect(error.issues.contains { $0.location == "milestones[0].source" })
        }
        #expect(try count(c, "source") == 0)
    }
}

@Suite(.testDatabases) struct ExportTests {
    @Test func jsonRoundTripIsLossless() throws {
        let first = try TestDatabase.seeded()
        let exported = try Exporter(first).dataset()

        let second = try TestDatabase.connect()
        _ = try DatasetImporter(second).run(exported, file: "export")
        let again = try Exporter(second).dataset()
        #expect(try again.encodedJSON() == exported.encodedJSON())

        // Nothing of the built-in dataset is lost on the way: the same parts, in another order.
        let original = try DemoData.dataset()
        #expect(exported.events.count == original.events.count)
        for event in original.events {
            let match = exported.events.first { $0.naturalKey == event.naturalKey }
            #expect(
                match?.figures.sorted { $0.measure.rawValue < $1.measure.rawValue }
                    == event.figures.sorted { $0.measure.rawValue < $1.measure.rawValue }, "\(event.naturalKey)")
            #expect(match?.topics == event.topics)
            #expect(
                match?.status == event.status && match?.source == event.source && match?.locator == event.locator,
                "\(event.naturalKey): its provenance")
            #expect(match?.attendees.count == event.attendees.count)
        }
        #expect(Set(exported.milestones.map(\.subject)) == Set(original.milestones.map(\.subject)))
        #expect(exported.totals.count == original.totals.count)
        func derivations(_ d: Dataset) -> [String] {
            (d.totals.compactMap(\.derivation) + d.membershipCounts.compactMap(\.derivation) + d.memberships.compactMap(\.derivation)
                + d.milestones.compactMap(\.derivation)).sorted()
        }
        #expect(derivations(exported) == derivations(original))
        #expect(!derivations(original).isEmpty)
        #expect(exported.coordinators.count == original.coordinators.count)
    }

    @Test func csvRoundTripIsLosslessAndDefusesFormulas() throws {
        let first = try TestDatabase.seeded()
        _ = try importCSV(header + line(session: 500, title: "=HYPERLINK(\"http://x\",\"click\")"), into: first)
        var csv = ""
        try Exporter(first).writeCSV { csv += $0 }
        #expect(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\","))

        let second = try TestDatabase.connect()
        var reference = try Exporter(first).dataset()
        reference.events = []
        _ = try DatasetImporter(second).run(reference, file: "reference")
        _ = try importCSV(csv, into: second)
        var again = ""
        try Exporter(second).writeCSV { again += $0 }
        #expect(again == csv)
        #expect(
            try second.query("SELECT title FROM quorum.event WHERE session = 500")[0].require(String.self, at: 0)
                == "=HYPERLINK(\"http://x\",\"click\")")
    }
}

@Suite(.testDatabases) struct DocumentedExampleTests {
    let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/examples").standardized

    @Test func theExamplesInTheDocsImport() throws {
        let c = try TestDatabase.seeded()
        let json = try Data(contentsOf: examples.appendingPathComponent("dataset.json"))
        let summary = try DatasetImporter(c).run(try Dataset.decode(json: json, file: "dataset.json"), file: "dataset.json")
        #expect(summary.counts["events"]?.created == 1)
        let csv = try String(contentsOf: examples.appendingPathComponent("figures.csv"), encoding: .utf8)
        #expect(try importCSV(csv, into: c).counts["figures"]?.created == 2)
        #expect(
            try c.query(
                """
                SELECT f.qualifier::text FROM quorum.figure f JOIN quorum.event e ON e.id = f.event_id
                WHERE e.city = 'Baku' AND f.measure = 'participants'
                """)[0].require(String.self, at: 0) == "approximately")
    }
}

@Suite(.testDatabases) struct TranslationStorageTests {
    @Test func translatedTitlesTravelInTheCSVAndAFileWithoutThemLeavesThemAlone() throws {
        let c = try TestDatabase.seeded()
        func translatedLine(_ session: Int, _ ru: String, _ zh: String) -> String {
            CSVWriter.line(
                FigureRecord.Column.allCases.map { column in
                    switch column {
                    case .organisation: "CICA"
                    case .body: "youth-council"
                    case .session: "\(session)"
                    case .title: "Session \(session)"
                    case .date: "2030-01"
                    case .measure: "participants"
                    case .value: "10"
                    case .qualifier: "exact"
                    case .scope: "all"
                    case .source: "cica-2020-2024"
                    case .locator: "test line"
                    case .titleRu: ru
                    case .titleZh: zh
                    default: ""
                    }
                })
        }
        _ = try importCSV(FigureRecord.headerLine + translatedLine(601, "Сессия 601", "第601次会议") + translatedLine(602, "", ""), into: c)
        func titles(_ session: Int) throws -> [String: String]? {
            try Exporter(c).dataset().events.first { $0.body == "youth-council" && $0.session == session }?.titles
        }
        #expect(try titles(601) == ["ru": "Сессия 601", "zh": "第601次会议"])
        #expect(try titles(602) == nil)
        // A file without the columns leaves them; the export carries them and imports back unchanged.
        _ = try importCSV(header + line(session: 601, value: "11", title: "Session 601"), into: c)
        #expect(try titles(601) == ["ru": "Сессия 601", "zh": "第601次会议"])
        var exported = ""
        try Exporter(c).writeCSV { exported += $0 }
        #expect(exported.hasPrefix(FigureRecord.headerLine))
        #expect(exported.contains("Сессия 601") && exported.contains("第601次会议"))
        let again = try importCSV(exported, into: c)
        #expect(again.counts["events"]?.updated == 0, "\(again)")
        // Two lines of one event that translate its title differently are refused, by line.
        do {
            let first = translatedLine(603, "Сессия", ""), second = translatedLine(603, "Другая", "")
            _ = try importCSV(FigureRecord.headerLine + first + second, into: c)
            Issue.record("imported")
        } catch let error as InvalidInput {
            #expect(error.description.contains("its translations"))
        }
    }

    @Test func everyCountryOfTheBuiltInDatasetHasItsCLDRNameInEachLanguage() throws {
        for country in try DemoData.dataset().countries {
            // In English the dataset's own name stands ("Republic of Korea", as the document has it).
            for language in Language.translated {
                #expect(CountryNames.name(of: country.code, in: language) != nil, "\(country.code) in \(language)")
            }
        }
    }

    @Test func namesAndTitlesInRussianAndChineseSurviveTheJSONRoundTrip() throws {
        let c = try TestDatabase.seeded()
        var d = try Exporter(c).dataset()
        let body = try #require(d.bodies.firstIndex { $0.code == "youth-council" })
        d.bodies[body].names = ["ru": "Молодежный совет", "zh": "青年理事会"]
        let event = try #require(d.events.firstIndex { $0.body == "youth-council" })
        d.events[event].titles = ["zh": "第五届会议"]
        _ = try DatasetImporter(c).run(d, file: "translations.json")
        let again = try Exporter(c).dataset()
        #expect(try again.encodedJSON() == d.encodedJSON())
        #expect(again.organisations.first { $0.code == "SCO" }?.names?["zh"] == "上海合作组织")
        #expect(again.events[event].name(in: .zh).text == "第五届会议")
        #expect(again.events[event].name(in: .ru).isFallback)
        // A CSV line for the event leaves its translated title alone.
        let title = again.events[event].title
        let session = try #require(again.events[event].session)
        _ = try importCSV(header + line(session: session, value: "41", title: title), into: c)
        #expect(try Exporter(c).dataset().events.first { $0.naturalKey == again.events[event].naturalKey }?.titles == ["zh": "第五届会议"])
    }
}
