import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumMail
import QuorumModel
import QuorumSite
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumDaemon

/// Deploy/quorum.example.toml works as shipped: every report it defines names
/// charts of the default set and aggregates that exist, and previews — the
/// e-mail `quorum report preview NAME` writes, made here the same way from the
/// built-in dataset, the default charts and a site rendered from them.
@Suite(.serialized, .testDatabases) struct ExampleConfigurationTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Deploy/quorum.example.toml").standardized.path

    /// Loaded as the daemon loads it, with none of the QUORUM_* variables the test run may have.
    func configuration() throws -> Configuration {
        try Configuration.load(file: Self.example, environment: [:])
    }

    @Test func everyReportNamesChartsOfTheDefaultSetAndAggregatesThatExist() throws {
        let configuration = try configuration()
        #expect(!configuration.mail.reports.isEmpty, "the example defines no report")
        // The example renders the default chart set (render.charts_dir is left unset).
        #expect(configuration.renderChartsDirectory == nil)
        let charts = ChartSet.builtIn()
        #expect(charts.errors.isEmpty, "\(charts.errors)")
        let chartNames = Set(charts.specs.map(\.name))
        let aggregates = Set(AggregateDefinition.builtIn.map(\.name) + charts.queries.map { "chart:" + $0.name })
        for report in configuration.mail.reports {
            #expect(report.problems.isEmpty, "\(report.name): \(report.problems)")
            for chart in report.charts {
                #expect(chartNames.contains(chart), "report.\(report.name).charts: \(chart) is not in the default chart set")
            }
            for aggregate in report.tables + report.attachments {
                #expect(aggregates.contains(aggregate), "report.\(report.name): no aggregate \(aggregate)")
            }
        }
    }

    @Test func everyReportPreviews() async throws {
        let configuration = try configuration()
        let settings = try configuration.mail.settings(environment: [:])
        let charts = ChartSet.builtIn()
        let queries = charts.queries.map { AggregateDefinition.chartQuery(name: $0.name, sql: $0.sql) }
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-example-site-\(UUID())")
        defer { try? FileManager.default.removeItem(at: site) }

        // What `quorum seed --demo`, `quorum render` and `quorum report preview` do, in turn.
        let (chartErrors, messages) = try await offPool { () throws -> ([ChartError], [(String, [UInt8], MailMessage)]) in
            let connection = try TestDatabase.seeded()
            defer { connection.finish() }
            let snapshot = try Aggregator(queries: queries).run(connection)
            let build = try SiteBuilder.build(snapshot: snapshot, charts: charts)
            _ = try SitePublisher(root: site).publish(build.files)
            let now = Date()
            let period = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
            return (
                build.errors,
                try configuration.mail.reports.map { report in
                    let (snapshot, published) = try ReportContent.load(connection, siteDirectory: site, needsSite: !report.charts.isEmpty)
                    let message = try ReportComposer(from: settings.from, charts: charts, attachmentLimit: settings.attachmentLimit)
                        .compose(report, period: period, snapshot: snapshot, site: published, date: now)
                    return (report.name, try message.rendered(), message)
                }
            )
        }
        #expect(chartErrors.isEmpty, "\(chartErrors)")
        #expect(messages.count == configuration.mail.reports.count)
        for (name, bytes, message) in messages {
            let report = try #require(configuration.mail[report: name])
            #expect(!bytes.isEmpty)
            #expect(message.images.map(\.fileName) == report.charts.map { "\($0).png" })
            #expect(
                message.attachments.filter { $0.contentType.hasPrefix("text/csv") }.map(\.fileName)
                    == report.attachments.map { "\($0).csv" })
            let pdfs = message.attachments.filter { $0.contentType == "application/pdf" }
            #expect(pdfs.count == (report.pdf ? 1 : 0))
            #expect(pdfs.allSatisfy { $0.fileName.hasPrefix("\(name)-") && $0.bytes.starts(with: Array("%PDF-".utf8)) })
            // A lower bound as a reader sees it ("983+ participants").
            #expect(
                message.html.range(of: #"[0-9]\+"#, options: .regularExpression) != nil,
                "report \(name): the CICA figures with their qualifiers")
        }
    }
}

/// docs/examples, followed as docs/data-format.md says, add their fictional
/// organisation beside the real data and change nothing of it: no chart of the
/// default set, and no row of CICA or the SCO in any aggregate, differs.
@Suite(.serialized, .testDatabases) struct ExampleDataTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/examples").standardized

    @Test func theExamplesLeaveTheRealDataAsItWas() async throws {
        let charts = ChartSet.builtIn()
        let queries = charts.queries.map { AggregateDefinition.chartQuery(name: $0.name, sql: $0.sql) }
        let (before, after, example) = try await offPool { () throws -> (Snapshot, Snapshot, [String: Int]) in
            let connection = try TestDatabase.seeded()
            defer { connection.finish() }
            let before = try Aggregator(queries: queries).run(connection)
            let json = try Data(contentsOf: Self.examples.appendingPathComponent("dataset.json"))
            _ = try DatasetImporter(connection).run(try Dataset.decode(json: json, file: "dataset.json"), file: "dataset.json")
            let csv = try [UInt8](Data(contentsOf: Self.examples.appendingPathComponent("figures.csv")))
            _ = try FigureImporter(connection).run(FigureLines(bytes: csv), file: "figures.csv")
            let after = try Aggregator(queries: queries).run(connection)
            let counts = try connection.query(
                """
                SELECT b.code, count(DISTINCT e.id)::int, count(f.event_id)::int FROM quorum.event e
                JOIN quorum.body b ON b.id = e.body_id JOIN quorum.organisation o ON o.id = b.organisation_id
                LEFT JOIN quorum.figure f ON f.event_id = e.id
                WHERE o.code = 'EXAMPLE' GROUP BY b.code
                """)
            var example: [String: Int] = [:]
            for row in counts {
                example["\(try row.require(String.self, at: 0)) events"] = try row.require(Int.self, at: 1)
                example["\(try row.require(String.self, at: 0)) figures"] = try row.require(Int.self, at: 2)
            }
            return (before, after, example)
        }
        // The examples are there, under their own organisation…
        #expect(
            example == [
                "example-expert-panel events": 1, "example-expert-panel figures": 3,
                "example-youth-assembly events": 1, "example-youth-assembly figures": 2,
            ])
        let organisations = try #require(after["organisation_totals"]).records.compactMap { $0["organisation"]?.text }
        #expect(organisations.contains("EXAMPLE"))
        // … and every chart of the default set shows what it showed before.
        for spec in charts.specs {
            #expect(try spec.data(from: after) == spec.data(from: before), "chart \(spec.name) changed")
        }
        for table in before.tables where table.columns.contains("organisation") {
            // As a set: some aggregates order rows only partly (period_totals by organisation, measure and start).
            let rows = { (snapshot: Snapshot) in
                (snapshot[table.name]?.records.filter { $0["organisation"]?.text != "EXAMPLE" } ?? [])
                    .map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "|") }.sorted()
            }
            #expect(rows(after) == rows(before), "the real rows of \(table.name) changed")
        }
    }
}

/// Runs blocking work (libpq, libgd) on a thread of its own, off the cooperative pool.
