import Foundation
import QuorumAggregates
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumMail

/// A report showing every aggregate of `snapshot` as a table, attaching the first as CSV.
func everyTableReport(_ snapshot: Snapshot) throws -> Report {
    var report = Report(
        name: "tables", schedule: try CronSchedule("0 9 * * mon", timeZone: "UTC"),
        to: [try MailAddress("analysts@cica.example")])
    report.tables = snapshot.tables.map(\.name)
    report.attachments = ["organisation_totals"].filter { snapshot[$0] != nil }
    return report
}

func compose(_ snapshot: Snapshot, sourceTitles: [String: String] = [:]) async throws -> (ParsedMessage, html: String, text: String) {
    let message = try ReportComposer(from: sender, sourceTitles: sourceTitles)
        .compose(
            try everyTableReport(snapshot), period: utc("2026-11-23T09:00:00Z"), snapshot: snapshot, site: nil,
            date: utc("2026-11-23T09:00:02Z"))
    let parsed = try await ParsedMessage.parse(bytes: try message.rendered())
    // Python gives the parts' line ends as they travel, CRLF; "\r\n" is one Character in Swift.
    func lines(_ part: String?) throws -> String { try #require(part).replacingOccurrences(of: "\r\n", with: "\n") }
    return (parsed, try lines(parsed.html), try lines(parsed.text))
}

/// What the tests below hold every composed message to, wherever its tables come from.
enum Legibility {
    /// snake_case words: column names and codes (`participants_qualifier`, `at_least`, `in_person`).
    static func identifiers(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "\\b[A-Za-z]+(?:_[A-Za-z0-9]+)+\\b")
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).map { String(text[Range($0.range, in: text)!]) }
    }

    /// Every `<table …>` opening tag and the rows of the data tables, as (attributes, [cells per row]).
    static func tables(in html: String) -> [(tag: String, rows: [Int])] {
        var result: [(String, [Int])] = []
        var rest = html[...]
        while let open = rest.range(of: "<table") {
            let tagEnd = rest[open.upperBound...].firstIndex(of: ">")!
            let tag = String(rest[open.lowerBound...tagEnd])
            var rows: [Int] = []
            if tag.contains("role=\"table\"") {
                let close = rest[tagEnd...].range(of: "</table>")!
                let inner = rest[tagEnd..<close.lowerBound]
                rows = inner.components(separatedBy: "<tr>").dropFirst().map { row in
                    row.components(separatedBy: "<td").count - 1 + row.components(separatedBy: "<th").count - 1
                }
                rest = rest[close.upperBound...]
            } else {
                rest = rest[rest.index(after: tagEnd)...]
            }
            result.append((tag, rows))
        }
        return result
    }

    /// Every pixel width the HTML declares: width attributes and CSS width and max-width.
    static func declaredWidths(in html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "(?:\\swidth=\"[^\"]*\"|[;\" ](?:max-)?width:[^;\"]*)")
        let range = NSRange(html.startIndex..., in: html)
        return pattern.matches(in: html, range: range).map { String(html[Range($0.range, in: html)!]) }
    }

    static func pixels(_ declaration: String) -> Int? {
        let digits = declaration.drop { !$0.isNumber }.prefix { $0.isNumber }
        return declaration.contains("%") ? nil : Int(digits)
    }

    /// Checks every rule; returns the breaches, described.
    static func breaches(html: String, text: String) -> [String] {
        var breaches: [String] = []
        for identifier in Set(identifiers(in: html) + identifiers(in: text)) { breaches.append("identifier \(identifier)") }
        for code in ["at_least", "_qualifier", "_derivation", "in_person"] where html.contains(code) || text.contains(code) {
            breaches.append("raw \(code)")
        }
        for declaration in declaredWidths(in: html) {
            if let pixels = pixels(declaration), pixels > 600 { breaches.append("wider than 600 px: \(declaration)") }
            if pixels(declaration) == nil && !declaration.contains("100%") && !declaration.contains("auto") {
                breaches.append("width not in pixels: \(declaration)")
            }
        }
        for (tag, rows) in tables(in: html) {
            if tag.contains("role=\"table\"") {
                if !tag.contains("width=\"568\"") { breaches.append("data table not declared 568 px wide: \(tag)") }
                for cells in rows where cells > 5 { breaches.append("a row of \(cells) cells") }
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where line.count > 72 {
            breaches.append("text line of \(line.count) characters: \(line)")
        }
        return breaches
    }
}

@Suite(.testDatabases) struct ReadableTableTests {
    @Test func noColumnNameOrCodeReachesTheReader() async throws {
        let (_, html, text) = try await compose(sampleSnapshot())
        #expect(Legibility.breaches(html: html, text: text) == [])
        for table in sampleSnapshot().tables {
            for column in table.columns where column.contains("_") {
                #expect(!html.contains(column), "\(column) in the HTML")
                #expect(!text.contains(column), "\(column) in the text")
            }
        }
        for part in [html, text] {
            #expect(!part.contains("at_least"))
            #expect(!part.contains("_qualifier"))
            #expect(!part.contains("events_with_participants"))
            // Codes by their names.
            #expect(part.contains("Business Council"))
            #expect(part.contains("Concept papers renewed"))
            #expect(part.contains("New challenges and threats dimension"))
            #expect(part.contains("October 2020"))
        }
        // Whole cells in the HTML (the text wraps them within their column).
        #expect(html.contains(">Member States and observers</td>"))
        #expect(html.contains(">40 events: 10 online, 5 hybrid, 20 in person, 5 format not reported</td>"))
        #expect(html.contains(">Observers</td>"))
        #expect(text.contains("Member States  2020"))
        #expect(text.contains("Observers      2022"))
    }

    @Test func qualifiersAreShownAs140PlusAndApproximately150WithTheKeyUnderTheTable() async throws {
        let (_, html, text) = try await compose(sampleSnapshot())
        for part in [html, text] {
            #expect(part.contains("140+"))
            #expect(part.contains("≈1,250"))
            #expect(part.contains("1,523+ participants"))
            #expect(part.contains("≈9"))
            #expect(part.contains(Qualifier.key))
            // Numbers have thousands separators; years do not.
            #expect(!part.contains("2,024"))
        }
        #expect(html.contains("<td align=\"right\" valign=\"top\" style=\"padding:4px 6px;"))
        #expect(html.contains(">140+</td>"))
        #expect(html.contains(">≈1,250\u{00A0}†</td>"))
    }

    @Test func derivedFiguresAreMarkedAndExplained() async throws {
        let (_, html, wrapped) = try await compose(sampleSnapshot())
        // The notes as sentences again: their lines after the first are indented two spaces.
        let text = wrapped.replacingOccurrences(of: "\n  ", with: " ")
        for part in [html, text] {
            #expect(part.contains("≈1,250\u{00A0}†"))
            #expect(part.contains("† derived by Quorum, not stated in the document: the sum of the figures of its two days"))
            #expect(part.contains("27\u{00A0}†"))
            #expect(part.contains("Note on Observers, 2022: Observer states only."))
        }
        let business = try #require(text.range(of: "CICA — Business Council"))
        let youth = try #require(text.range(of: "CICA — Youth Council"))
        let businessSection = String(text[business.upperBound..<youth.lowerBound])
        // Two derivations in one section: numbered marks, each explained.
        #expect(businessSection.contains("19\u{00A0}†1"))
        #expect(businessSection.contains("3\u{00A0}†2"))
        #expect(businessSection.contains("†1 derived by Quorum, not stated in the document: counted from the states the item names"))
        #expect(businessSection.contains("†2 derived by Quorum, not stated in the document: counted from the organisations the item"))
        #expect(!businessSection.contains("two days"))
    }

    @Test func everyTableFitsTheColumnWithAtMostFiveColumns() async throws {
        let (_, html, _) = try await compose(sampleSnapshot())
        let tables = Legibility.tables(in: html)
        let data = tables.filter { $0.tag.contains("role=\"table\"") }
        #expect(data.count >= 9)
        for table in data {
            #expect(table.tag.contains("width=\"568\""))
            #expect(table.rows.allSatisfy { (1...5).contains($0) }, "\(table.rows)")
        }
        #expect(
            tables.filter { !$0.tag.contains("role=\"table\"") }.map(\.tag).allSatisfy {
                $0.contains("width=\"100%\"") || $0.contains("width=\"600\"")
            })
        let widths = Legibility.declaredWidths(in: html).compactMap(Legibility.pixels)
        #expect(!widths.isEmpty)
        #expect(widths.allSatisfy { $0 <= 600 }, "\(widths.filter { $0 > 600 })")
        #expect(!html.contains("overflow"))
        #expect(!html.contains("class="))
    }

    @Test func everyTextAndCellHasItsColoursSoDarkModeCannotHideIt() async throws {
        let (_, html, _) = try await compose(sampleSnapshot())
        let pattern = try NSRegularExpression(pattern: "<(td|th|p|h1|h2|h3)\\b[^>]*>")
        let tags = pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { String(html[Range($0.range, in: html)!]) }
        #expect(tags.count > 50)
        for tag in tags {
            #expect(tag.contains(";color:#") || tag.contains("\"color:#"), "\(tag)")
            if tag.hasPrefix("<td") || tag.hasPrefix("<th") { #expect(tag.contains("background-color:#"), "\(tag)") }
        }
    }

    @Test func thePlainTextHasTheSameTablesAlignedWithin72Characters() async throws {
        let (_, _, text) = try await compose(sampleSnapshot())
        let lines = text.components(separatedBy: "\n")
        #expect(lines.allSatisfy { $0.count <= 72 }, "\(lines.filter { $0.count > 72 })")
        let header = try #require(lines.firstIndex { $0.hasPrefix("Year") && $0.contains("Sessions") })
        // Headings above the rule, numbers right-aligned under their column's right edge.
        let rule = lines[header + 1]
        #expect(rule.allSatisfy { $0 == "-" || $0 == " " })
        let row2021 = lines[header + 2], row2024 = lines[header + 3]
        #expect(row2021.hasPrefix("2021"))
        #expect(row2024.hasPrefix("2024"))
        let ends = rule.split(separator: " ").reduce(into: [Int]()) { ends, dashes in
            let start = (ends.last.map { $0 + 2 } ?? 0)
            ends.append(start + dashes.count)
        }
        let lastEnd = try #require(ends.last)
        #expect(row2021.count <= lastEnd)
        // The participants column ends where its rule does, in both rows.
        func end(of text: String, in row: String) -> Int? {
            row.range(of: text).map { row.distance(from: row.startIndex, to: $0.upperBound) }
        }
        #expect(ends.count >= 3)
        #expect(end(of: "140+", in: row2024) == ends.dropFirst(2).first)
        #expect(end(of: "116", in: row2021) == ends.dropFirst(2).first)
    }

    @Test func aGridIsWrittenAsAlignedLines() {
        let grid = ReadableTable.Grid(
            caption: nil,
            columns: [
                .init(heading: "Year", numeric: true, weight: 1),
                .init(heading: "Sessions with a participants figure", numeric: true, weight: 1),
                .init(heading: "How they were counted", numeric: false, weight: 1.5),
            ], rows: [["2021", "1", "reported"], ["2024", "12", "largest count (lower bound)"]])
        let lines = TextGrid(grid, width: 40).lines
        // 40 characters: the headings take two lines, the long cell wraps within its column.
        #expect(
            lines == [
                "          Sessions with a  How they were",
                "Year  participants figure  counted",
                "----  -------------------  -------------",
                "2021                    1  reported",
                "2024                   12  largest count",
                "                           (lower bound)",
            ])
        #expect(TextGrid(grid, width: 72).lines[0] == "Year  Sessions with a participants figure  How they were counted")
    }

    @Test func sourcesAreNamedByTheirTitles() async throws {
        let titled = try await compose(
            sampleSnapshot(),
            sourceTitles: [
                "cica-2020-2024": "Achievements of CICA under the chairmanship of Kazakhstan in 2020–2024"
            ])
        #expect(titled.html.contains("Source: Achievements of CICA under the chairmanship of Kazakhstan in 2020–2024"))
        // A key without a title is shown as it is.
        #expect(titled.text.contains("Sources: Achievements of CICA under the chairmanship of Kazakhstan in"))
        #expect(titled.text.contains("sco-plus-2024"))
        let untitled = try await compose(sampleSnapshot())
        #expect(untitled.text.contains("Source: cica-2020-2024"))
    }

    @Test func theCSVAttachmentKeepsTheAggregatesOwnColumns() async throws {
        let (parsed, _, _) = try await compose(sampleSnapshot())
        let csv = try #require(parsed.attachments.first)
        #expect(
            csv.text.hasPrefix(
                "organisation,name,bodies,events,events_with_participants,participants,participants_qualifier,first_year,last_year\r\n"
                    + "CICA,Conference on Interaction and Confidence-building Measures in Asia,10,25,12,1523,at_least,2020,2024\r\n"))
    }

    @Test func anAggregateNoLayoutKnowsIsStillWrittenInWordsAndFits() throws {
        let wide = AggregateTable(
            name: "chart:wide", description: "SELECT …",
            columns: [
                "organisation", "body", "year", "first_value", "second_value", "third_value", "fourth_value", "fifth_value",
                "value_qualifier", "scope_code",
            ],
            rows: [
                [
                    .text("CICA"), .text("youth-council"), .integer(2024), .integer(1), .integer(2200), .integer(3), .integer(4),
                    .integer(5), .text("at_least"), .text("member_states"),
                ]
            ])
        let table = ReadableTable(wide, names: .init(snapshot: sampleSnapshot(), sourceTitles: [:]))
        #expect(table.title == "Chart wide: its own query")
        #expect(table.summary == nil)
        let section = try #require(table.sections.first)
        #expect(section.heading == "CICA — Youth Council")
        #expect(section.grids.allSatisfy { $0.columns.count <= 5 })
        let text = ReportComposer.text(table).joined(separator: "\n")
        #expect(Legibility.identifiers(in: text) == [])
        #expect(text.contains("First value"))
        #expect(text.contains("2,200"))
        let failed = ReadableTable(
            AggregateTable(name: "chart:broken", description: "SELECT", columns: [], rows: [], error: "syntax error"),
            names: .init(snapshot: nil, sourceTitles: [:]))
        #expect(ReportComposer.text(failed).contains("Not available: syntax error"))
    }

    @Test func numbersAndDatesAreWrittenForReaders() {
        #expect(Readable.grouped(1_234_567) == "1,234,567")
        #expect(Readable.grouped(70.5) == "70.5")
        #expect(Readable.grouped(-12) == "−12")
        #expect(Readable.grouped(0.704 * 100) == "70.4")
        #expect(Readable.date("2024") == "2024")
        #expect(Readable.date("2024-10") == "October 2024")
        #expect(Readable.date("2025-01-13") == "13 January 2025")
        #expect(Readable.wrap("a bb ccc dddd", width: 6, indent: "  ") == ["a bb", "  ccc", "  dddd"])
    }

    /// In Russian and Chinese: CLDR's separators and dates, and lines measured as a
    /// fixed-width font sets them, a Han character two columns wide.
    @Test func valuesAndLinesInRussianAndChinese() {
        let names = ReadableTable.Names(snapshot: nil, sourceTitles: [:])
        #expect(Readable.value(.number(1250), .count, organisation: nil, names: names, language: .ru) == "1\u{00A0}250")
        #expect(Readable.value(.number(0.704), .share, organisation: nil, names: names, language: .ru) == "70,4\u{00A0}%")
        #expect(Readable.value(.text("2025-01-13"), .date, organisation: nil, names: names, language: .zh) == "2025年1月13日")
        #expect(Readable.value(.text("in_person"), .code(.eventFormat), organisation: nil, names: names, language: .ru) == "очно")
        #expect(Readable.width("参会人数 140+") == 13)
        // Han text breaks between characters and fills each line; a long word breaks after its hyphen.
        #expect(Readable.wrap("附件逐一描述的已举行活动", width: 10) == ["附件逐一描", "述的已举行", "活动"])
        #expect(Readable.wrap("Year 会议场次", width: 8) == ["Year 会", "议场次"])
        #expect(Readable.wrap("государства-члены", width: 15) == ["государства-", "члены"])
        for line in Readable.wrap("数据集收录了来源报告的2020年10月 – 2024年10月期间160项活动中的21项", width: 20) {
            #expect(Readable.width(line) <= 20, "\(line)")
        }
        // No line starts with closing punctuation or ends with opening, and no character is lost,
        // at any width of three characters or more (two cannot part "》、" from what it follows).
        let sentences = [
            "亚信论坛会议参会人数，全部机构。报告了人数的会议之和（《商业理事会》、青年理事会）",
            "线下：2021 0，2022 0，2023 0，2024 1。未报告：2021 1，2022 3，2023 3，2024 4。",
        ]
        for sentence in sentences {
            for width in 6...40 {
                let lines = Readable.wrap(sentence, width: width)
                #expect(lines.joined(separator: " ").filter { $0 != " " } == sentence.filter { $0 != " " }, "width \(width): \(lines)")
                for line in lines {
                    #expect(!Punctuation.isClosing(line.first ?? " ") && !Punctuation.isOpening(line.last ?? " "), "width \(width): \(lines)")
                    #expect(Readable.width(line) <= width, "width \(width): \(line)")
                }
            }
        }
    }
}

/// The real aggregates: every column of every built-in aggregate has a heading
/// written for it, and the e-mail made from the CICA dataset keeps every rule.
@Suite(.testDatabases) struct ReadableBuiltInAggregatesTests {
    /// The columns being added to the data model, which must be covered before they land.
    static let announced: [(aggregate: String, columns: [String])] = [
        ("body_year", ["participants_derivation", "member_states_derivation", "organisations_derivation", "members_derivation"]),
        ("period_totals", ["derivation"]),
        ("membership", ["derivation"]),
        ("coverage", ["organisation", "measure", "label", "value", "qualifier", "period_from", "period_to", "source", "in_dataset"]),
    ]

    @Test func everyColumnOfEveryBuiltInAggregateHasAHeadingInWords() async throws {
        let snapshot = try await offPool {
            let connection = try TestDatabase.seeded()
            defer { connection.finish() }
            return try Aggregator().run(connection)
        }
        #expect(Set(snapshot.tables.map(\.name)).isSuperset(of: AggregateDefinition.builtIn.map(\.name)))
        for table in snapshot.tables {
            #expect(ColumnLabels.title(of: table.name) != nil, "no title for \(table.name)")
            for column in table.columns {
                #expect(ColumnLabels.isLabelled(column, in: table.name), "\(table.name).\(column) has no heading")
                #expect(!ColumnLabels.heading(column, in: table.name).contains("_"))
            }
        }
        for (aggregate, columns) in Self.announced {
            for column in columns { #expect(ColumnLabels.isLabelled(column, in: aggregate), "\(aggregate).\(column)") }
        }
        #expect(ColumnLabels.label("participants_qualifier", in: "body_year").kind == .qualifier(of: ["participants"]))
        #expect(ColumnLabels.label("derivation", in: "membership").kind == .derivation(of: ["count"]))
        #expect(ColumnLabels.words("member", .membershipRole) == "Member States")
        #expect(ColumnLabels.words("member_states_and_observers", .scope) == "Member States and observers")
    }

    @Test func theCICADatasetsReportIsLegible() async throws {
        let snapshot = try await offPool {
            let connection = try TestDatabase.seeded()
            defer { connection.finish() }
            return try Aggregator().run(connection)
        }
        let (parsed, html, text) = try await compose(snapshot)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.long_lines.isEmpty)
        #expect(Legibility.breaches(html: html, text: text) == [])
        #expect(html.contains("CICA — Business Council"))
        // Sources by the titles the snapshot's sources aggregate gives.
        #expect(html.contains("Source: Achievements of the Conference on Interaction and Confidence-building Measures in Asia"))
        #expect(!html.contains("Source: cica-2020-2024"))
        #expect(text.contains("140+"))
        #expect(text.contains(Qualifier.key))
        // Every aggregate is there, under its title.
        for table in snapshot.tables { #expect(text.contains(try #require(ColumnLabels.title(of: table.name)))) }
    }
}
