import Foundation
import QuorumAggregates
import QuorumModel
import Testing

@testable import QuorumCharts

/// The chart engine's honesty rules, each against a chart file built to break it:
/// refused at load with the file and the rule named, or marked in the image and
/// in the data every table and download is made from.
@Suite struct HonestyRulesTests {
    func refusal(_ text: String) -> ChartError? {
        do {
            _ = try ChartSpec.parse(text, file: "Charts/dishonest.toml")
            return nil
        } catch { return error }
    }

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// body_year as the aggregation writes it, for two bodies: a count of Member
    /// States only, one that includes observers, and a derived one.
    static let snapshot = Snapshot(
        id: 7, startedAt: now, finishedAt: now, dataVersion: 3,
        tables: [
            AggregateTable(
                name: "body_year", description: "",
                columns: [
                    "organisation", "body", "body_name", "year", "participants", "participants_qualifier",
                    "participants_derivation", "member_states", "member_states_qualifier", "member_states_scope",
                    "member_states_derivation",
                ],
                rows: [
                    [
                        .text("CICA"), .text("youth-council"), .text("Youth Council"), .integer(2022), .integer(39), .text("exact"), .null,
                        .integer(18), .text("exact"), .text("member_states"), .null,
                    ],
                    [
                        .text("CICA"), .text("youth-council"), .text("Youth Council"), .integer(2023), .integer(100), .text("exact"), .null,
                        .integer(18), .text("exact"), .text("member_states_and_observers"), .null,
                    ],
                    [
                        .text("CICA"), .text("youth-council"), .text("Youth Council"), .integer(2024), .integer(140), .text("at_least"),
                        .text("Counted from the list."), .integer(20), .text("at_least"), .text("member_states"), .text(Derivation.largestCount),
                    ],
                    [
                        .text("CICA"), .text("business-council"), .text("Business Council"), .integer(2024), .integer(116), .text("exact"), .null,
                        .integer(19), .text("exact"), .text("member_states"), .null,
                    ],
                ]),
            AggregateTable(
                name: "format_mix", description: "",
                columns: ["organisation", "year", "online", "hybrid", "in_person", "not_reported", "events"],
                rows: [[.text("CICA"), .integer(2023), .integer(1), .integer(3), .integer(0), .integer(2), .integer(6)]]),
            AggregateTable(
                name: "coverage", description: "",
                columns: ["organisation", "measure", "label", "value", "qualifier", "period_from", "period_to", "source", "in_dataset"],
                rows: [
                    [
                        .text("CICA"), .text("events"), .text("Events held"), .integer(160), .text("exact"), .text("2020-10"),
                        .text("2024-10"), .text("cica-2020-2024"), .integer(22),
                    ]
                ]),
        ])

    // MARK: Member states are sets

    @Test(arguments: [
        ("kind = \"stacked-bars\"\nx = \"year\"\nseries = \"body\"", "kind"),
        ("kind = \"bars\"\nx = \"year\"", "value"),
        ("kind = \"bars\"\nx = \"body\"", "value"),
    ])
    func addingMemberStateCountsIsRefusedAtLoad(keys: String, key: String) throws {
        let error = try #require(refusal("title = \"States\"\naggregate = \"body_year\"\nvalue = \"member_states\"\n" + keys))
        #expect(error.file == "Charts/dishonest.toml")
        #expect(error.key == key)
        #expect(error.message.contains("no sum of member-state sets"), "\(error)")
    }

    @Test func aChartOfOneBodyPerSeriesOrOneBodyByFilterIsAllowed() throws {
        _ = try ChartSpec.parse(
            "title = \"S\"\nkind = \"line\"\naggregate = \"body_year\"\nx = \"year\"\nseries = \"body_name\"\nvalue = \"member_states\"",
            file: "Charts/a.toml")
        _ = try ChartSpec.parse(
            "title = \"S\"\nkind = \"bars\"\naggregate = \"body_year\"\nx = \"year\"\nvalue = \"member_states\"\nfilter = [\"body=youth-council\"]",
            file: "Charts/b.toml")
    }

    @Test func aQueryThatWouldAddMemberStatesFailsWhenItDoes() throws {
        let spec = try ChartSpec.parse(
            "title = \"S\"\nkind = \"bars\"\nsql = \"SELECT 1\"\nx = \"year\"\nvalue = \"member_states\"",
            file: "Charts/q.toml")
        let rows = Snapshot(
            id: 1, startedAt: Self.now, finishedAt: Self.now, dataVersion: 1,
            tables: [
                AggregateTable(
                    name: "chart:q", description: "", columns: ["year", "member_states"],
                    rows: [[.integer(2024), .integer(18)], [.integer(2024), .integer(20)]])
            ])
        #expect { try spec.data(from: rows) } throws: { ($0 as? ChartError)?.message.contains("no sum of member-state sets") == true }
    }

    // MARK: Scopes

    @Test func aCountOfAnotherScopeIsMarkedInTheImageAndTheData() throws {
        let spec = try ChartSpec.parse(
            """
            title = "Member States represented"
            kind = "line"
            aggregate = "body_year"
            x = "year"
            series = "body_name"
            value = "member_states"
            """, file: "Charts/states.toml")
        let data = try spec.data(from: Self.snapshot)
        let youth = try #require(data.series.first { $0.name == "Youth Council" })
        #expect(youth.points.map { $0?.label } == ["18", "18*", "20+†"])
        #expect(youth.points[1]?.otherScope == "Member States and observers")
        #expect(data.notes.contains(Wording(.en).otherScopeNote(["Member States and observers"])))
        let written = try texts(data, spec)
        #expect(written.contains("18*"))
        #expect(written.contains { $0.hasPrefix("* counts more than Member States: Member States and observers") })
    }

    // MARK: Derived values

    @Test func aDerivedValueIsMarkedInTheImageWithItsNote() throws {
        let spec = try ChartSpec.parse(
            """
            title = "Participants"
            kind = "bars"
            aggregate = "body_year"
            x = "year"
            value = "participants"
            filter = ["body=youth-council"]
            """, file: "Charts/participants.toml")
        let data = try spec.data(from: Self.snapshot)
        let point = try #require(data.series[0].points[2])
        #expect(point.derivation == "Counted from the list.")
        #expect(point.label == "140+†")
        let written = try texts(data, spec)
        #expect(written.contains("140+†"), "labelled although value_labels is off")
        #expect(written.contains { $0.hasPrefix("† derived by Quorum") })
    }

    // MARK: Coverage

    @Test func aChartOverTheEventsInTheDatasetMustStateItsCoverage() throws {
        let without = try #require(
            refusal(
                """
                title = "Formats"
                kind = "stacked-bars"
                aggregate = "format_mix"
                x = "year"
                values = ["online", "hybrid"]
                """))
        #expect(without.key == "coverage")
        #expect(without.message.contains("rule: coverage"))
        let calledAll = try #require(
            refusal(
                """
                title = "All CICA events by format"
                kind = "stacked-bars"
                aggregate = "format_mix"
                x = "year"
                values = ["online", "hybrid"]
                coverage = "events"
                """))
        #expect(calledAll.message.contains("no selection called the whole"))
        let honest = try ChartSpec.parse(
            """
            title = "The CICA events in the dataset, by format"
            kind = "donut"
            aggregate = "format_mix"
            values = ["online", "hybrid", "in_person", "not_reported"]
            filter = ["organisation=CICA"]
            coverage = "events"
            """, file: "Charts/formats.toml")
        let data = try honest.data(from: Self.snapshot)
        #expect(
            data.coverage
                == "The dataset holds 22 of the 160 events that the source reports for October 2020 – October 2024; the chart counts 6 of them.")
        let written = try texts(data, honest)
        #expect(written.contains("in the dataset"))
        #expect(!written.contains("in all"))
        #expect(written.contains { $0.hasPrefix("The dataset holds 22 of the 160 events") })
    }

    // MARK: Qualifiers in every kind

    @Test(arguments: ChartKind.allCases)
    func everyKindShowsQualifiers(kind: ChartKind) throws {
        let data = ChartData(
            categories: ["2023", "2024"],
            series: [
                ChartSeries(name: "Participants", points: [ChartPoint(116), ChartPoint(140, .atLeast)])
            ])
        let style = ChartStyle(kind: kind, title: "T", width: kind == .sparkline ? 160 : 640, height: kind == .sparkline ? 40 : 320)
        let recorder = WrittenTexts()
        try Canvas.$writtenTexts.withValue(recorder) { _ = try ChartRenderer.png(data, style: style) }
        #expect(recorder.all.contains { $0.contains("140+") || $0.contains("256+") }, "\(kind): \(recorder.all)")
    }

    func texts(_ data: ChartData, _ spec: ChartSpec) throws -> [String] {
        let recorder = WrittenTexts()
        try Canvas.$writtenTexts.withValue(recorder) { _ = try ChartRenderer.png(data, style: spec.style(theme: .light, scale: 1)) }
        return recorder.all
    }
}
