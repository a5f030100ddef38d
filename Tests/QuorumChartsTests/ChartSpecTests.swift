import Foundation
import QuorumAggregates
import QuorumModel
import QuorumTestSupport
import Testing

@testable import QuorumCharts

@Suite(.testDatabases) struct ChartSpecTests {
    let valid = """
        title = "Participants"
        kind = "bars"
        aggregate = "body_year"
        x = "year"
        value = "participants"
        """

    func parseError(_ text: String, file: String = "Charts/broken.toml") -> ChartError? {
        do {
            _ = try ChartSpec.parse(text, file: file)
            return nil
        } catch { return error }
    }

    @Test(arguments: [
        ("title = \"T\"\nkind = \"pie\"\naggregate = \"body_year\"\nx = \"year\"\nvalue = \"v\"", "kind"),
        ("kind = \"bars\"\naggregate = \"body_year\"\nx = \"year\"\nvalue = \"v\"", "title"),
        ("title = \"T\"\nkind = \"bars\"\nx = \"year\"\nvalue = \"v\"", "aggregate"),
        ("title = \"T\"\nkind = \"bars\"\naggregate = \"a\"\nsql = \"SELECT 1\"\nx = \"year\"\nvalue = \"v\"", "sql"),
        ("title = \"T\"\nkind = \"bars\"\nsql = \"DELETE FROM x\"\nx = \"year\"\nvalue = \"v\"", "sql"),
        ("title = \"T\"\nkind = \"bars\"\naggregate = \"a\"\nx = \"year\"", "value"),
        ("title = \"T\"\nkind = \"bars\"\naggregate = \"a\"\nvalue = \"v\"", "x"),
        ("title = \"T\"\nkind = \"bars\"\naggregate = \"a\"\nx = \"year\"\nvalue = \"v\"\nwidth = 5", "width"),
        ("title = \"T\"\nkind = \"bars\"\naggregate = \"a\"\nx = \"year\"\nvalue = \"v\"\nvalue_labels = \"yes\"", "value_labels"),
        ("title = \"T\"\nkind = \"bars\"\naggregate = \"a\"\nx = \"year\"\nvalue = \"v\"\ncolour = \"red\"", "colour"),
        ("title = \"T\"\nkind = \"bars\"\naggregate = \"a\"\nx = \"year\"\nvalue = \"v\"\nfilter = [\"organisation\"]", "filter"),
        ("title = \"T\"\nkind = \"bars\"\naggregate = \"a\"\nx = \"year\"\nvalue = \"v\"\npage = \"../etc\"", "page"),
    ])
    func aBadFileNamesItsKey(text: String, key: String) throws {
        let error = try #require(parseError(text))
        #expect(error.file == "Charts/broken.toml")
        #expect(error.key == key, "\(error)")
        #expect(error.description.hasPrefix("Charts/broken.toml: \(key): "))
    }

    @Test func aSyntaxErrorNamesTheFileAndLine() throws {
        let error = try #require(parseError("title = unquoted"))
        #expect(error.description.contains("Charts/broken.toml"))
        #expect(error.description.contains("line 1"))
    }

    @Test func aBadFileNameIsRefused() throws {
        #expect(parseError(valid, file: "Charts/Bad Name.toml") != nil)
        #expect(parseError(valid, file: "Charts/good-name.toml") == nil)
    }

    @Test func aMissingColumnNamesTheKey() async throws {
        let snapshot = try await offPool { try DemoSnapshot.get() }
        let spec = try ChartSpec.parse(valid.replacingOccurrences(of: "\"participants\"", with: "\"attendance\""), file: "Charts/x.toml")
        #expect(
            throws: ChartError.spec(
                file: "Charts/x.toml", key: "value",
                "'attendance' is not a column of aggregate body_year (columns: \(snapshot["body_year"]!.columns.joined(separator: ", ")))")
        ) {
            try spec.data(from: snapshot)
        }
        let unknown = try ChartSpec.parse(valid.replacingOccurrences(of: "body_year", with: "no_such"), file: "Charts/x.toml")
        #expect { try unknown.data(from: snapshot) } throws: { ($0 as? ChartError)?.key == "aggregate" }
    }

    @Test func aBadFileDoesNotStopTheOthers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("charts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try valid.write(to: directory.appendingPathComponent("good.toml"), atomically: true, encoding: .utf8)
        try "title = \"T\"\nkind = \"pie\"".write(to: directory.appendingPathComponent("bad.toml"), atomically: true, encoding: .utf8)
        let set = ChartSet.load(directory: directory)
        #expect(set.specs.map(\.name) == ["good"])
        #expect(set.errors.count == 1)
        #expect(set.errors.first?.file?.hasSuffix("bad.toml") == true)
        #expect(set.errors.first?.key == "kind")
    }

    @Test func sqlChartsReadTheirOwnTable() throws {
        let spec = try ChartSpec.parse(
            """
            title = "Sessions"
            kind = "bars"
            sql = "SELECT year, count(*) AS sessions FROM quorum.event GROUP BY 1"
            x = "year"
            value = "sessions"
            """, file: "Charts/sessions.toml")
        #expect(spec.tableName == "chart:sessions")
        let set = ChartSet(specs: [spec], errors: [])
        #expect(set.queries.map(\.name) == ["sessions"])
        #expect(set.queries.first?.sql.hasPrefix("SELECT year") == true)

        let now = Date()
        let missing = Snapshot(id: 1, startedAt: now, finishedAt: now, dataVersion: 1, tables: [])
        #expect { try spec.data(from: missing) } throws: { ($0 as? ChartError)?.key == "sql" }
        let wrongColumns = Snapshot(
            id: 1, startedAt: now, finishedAt: now, dataVersion: 1,
            tables: [
                AggregateTable(name: "chart:sessions", description: "", columns: ["year", "n"], rows: [[.integer(2024), .integer(3)]])
            ])
        #expect { try spec.data(from: wrongColumns) } throws: { ($0 as? ChartError)?.key == "value" }
        let right = Snapshot(
            id: 1, startedAt: now, finishedAt: now, dataVersion: 1,
            tables: [
                AggregateTable(
                    name: "chart:sessions", description: "", columns: ["year", "sessions"],
                    rows: [[.integer(2024), .integer(3)], [.integer(2023), .integer(2)]])
            ])
        let data = try spec.data(from: right)
        #expect(data.categories == ["2023", "2024"])
        #expect(data.series.first?.points == [ChartPoint(2), ChartPoint(3)])
    }

    @Test func figuresAreGroupedFilteredAndQualified() async throws {
        let snapshot = try await offPool { try DemoSnapshot.get() }
        let spec = try ChartSpec.parse(
            """
            title = "All bodies"
            kind = "bars"
            aggregate = "body_year"
            x = "year"
            value = "participants"
            qualifier = "participants_qualifier"
            filter = ["organisation=CICA", "body!=youth-council"]
            """, file: "Charts/all.toml")
        let data = try spec.data(from: snapshot)
        #expect(data.categories == ["2021", "2022", "2023", "2024"])
        // Business Council and Think Tank Forum: 116 + 60, …, 140 (at least) + 65.
        #expect(data.series.first?.points.map { $0?.label } == ["176", "192", "190", "205+"])
        // Each sum links to the register rows of both bodies.
        #expect(data.series.first?.points.first??.register == ["g-CICA-business.council-2021", "g-CICA-think.tank.forum-2021"])
    }

    @Test func columnsCompareAsCategoriesUnderTheirDisplayNames() async throws {
        let spec = try #require(ChartSet.builtIn().specs.first { $0.name == "format-share" })
        let snapshot = try await offPool { try DemoSnapshot.get() }
        let data = try spec.data(from: snapshot)
        #expect(data.categories == ["Online", "Hybrid", "In person", "Not reported"])
        #expect(data.series.map(\.name) == ["Events in the dataset"])
        // Held CICA events of 2020–2024 that the annex describes one by one; the
        // Seventh Ministerial Council, only announced, is not among them.
        #expect(data.series.first?.points.map { $0?.label } == ["3", "8", "1", "11"])
        #expect(
            data.coverage
                == "The dataset holds 21 of the 160 events that the source reports for October 2020 – October 2024; the chart counts 23, some outside that period."
        )
    }

    @Test func theDefaultSetIsWhole() async throws {
        let set = ChartSet.builtIn()
        #expect(set.errors.isEmpty, "\(set.errors)")
        #expect(set.specs.count >= 10)
        #expect(Set(set.specs.map(\.kind)).count >= 7)
        let snapshot = try await offPool { try DemoSnapshot.get() }
        for spec in set.specs {
            let data = try spec.data(from: snapshot)
            #expect(!data.isEmpty, "\(spec.name)")
        }
    }
}
