import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Synchronization
import Testing

@testable import QuorumSite

/// The site in English, Russian and Chinese: each language's pages under its code,
/// with its own chart images, `lang`, alternates and a switcher; the registers,
/// data files and PDFs shared, English, at the root.
@Suite(.testDatabases) struct LanguageSiteTests {
    /// The demo site in three languages, built once for the suite's tests (a build
    /// is pure: it depends on the snapshot alone).
    static let build = Mutex<Task<SiteBuild, Error>?>(nil)

    func demoBuild() async throws -> SiteBuild {
        let task = Self.build.withLock { task in
            if let task { return task }
            let made = Task {
                try await offPool {
                    let connection = try TestDatabase.seeded()
                    defer { connection.finish() }
                    return try SiteBuilder.build(snapshot: try Aggregator().run(connection), charts: ChartSet.builtIn())
                }
            }
            task = made
            return made
        }
        return try await task.value
    }

    @Test func eachLanguageHasItsPagesChartsAndWaysToTheOthers() async throws {
        let build = try await demoBuild()
        #expect(build.errors.isEmpty, "\(build.errors)")
        func page(_ path: String) throws -> String { String(decoding: try #require(build.files[path], "\(path)"), as: UTF8.self) }
        let charts = ChartSet.builtIn().specs
        for language in Language.allCases {
            let index = try page("\(language.rawValue)/index.html")
            #expect(index.contains("<html lang=\"\(language.rawValue)\">"))
            for other in Language.allCases {
                #expect(index.contains("<link rel=\"alternate\" hreflang=\"\(other.rawValue)\" href=\"../\(other.rawValue)/index.html\">"))
            }
            #expect(index.contains("hreflang=\"x-default\" href=\"../index.html\""))
            #expect(index.contains("href=\"../style.css\""))
            #expect(index.contains("href=\"../register-events.html"))
            for spec in charts where language != .en {
                let images = ChartImage.wide + (spec.kind == .sparkline ? [] : ChartImage.narrow)
                for image in images {
                    #expect(build.files["\(language.rawValue)/charts/" + image.file(spec.name)] != nil, "\(language) \(image.file(spec.name))")
                }
                // Drawn in the language: all but the sparklines, which have no words.
                let differs = build.files["\(language.rawValue)/charts/\(spec.name).png"] != build.files["charts/\(spec.name).png"]
                #expect(differs == (spec.kind != .sparkline), "\(language) \(spec.name)")
            }
        }
        // The root stays the English site it always was, with its ways to the others.
        let root = try page("index.html")
        #expect(root.contains("<html lang=\"en\">"))
        #expect(root.contains("hreflang=\"ru\" href=\"ru/index.html\""))
        #expect(root.contains("<img src=\"charts/participants-by-body-year.png\""))
        #expect(try page("en/index.html").contains("<img src=\"../charts/participants-by-body-year.png\""))

        let russian = try page("ru/index.html")
        #expect(russian.contains("<h1>СВМДА и ШОС в цифрах</h1>"))
        #expect(russian.contains("<img src=\"charts/participants-by-body-year.png\""))
        #expect(russian.contains("Эта страница в PDF</a> (на английском;"))
        #expect(russian.contains("href=\"../register-events.html#"), "the table's figures lead to the English register")
        #expect(try page("zh/index.html").contains("<h1>亚信和上合组织数据</h1>"))
    }

    @Test func whatStayedEnglishIsMarkedAndListed() async throws {
        let build = try await demoBuild()
        let membership = String(decoding: try #require(build.files["ru/index.html"]), as: UTF8.self)
        // The convention's name has no Russian text in its chart file: English, marked.
        #expect(membership.contains("<span lang=\"en\">Convention on Privileges and Immunities (2010)</span> <abbr class=\"fallback\""))
        let about = String(decoding: try #require(build.files["ru/translations.html"]), as: UTF8.self)
        #expect(about.contains("Convention on Privileges and Immunities (2010)</a>: <code>title</code>"))
        #expect(build.files["translations.html"] == nil && build.files["en/translations.html"] == nil)
        // The document's own words are never translated: the source line stays English, marked as such.
        #expect(membership.contains("Источник: <span lang=\"en\">"))
    }
}
