import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel
import QuorumStore
import QuorumTestSupport
import Testing

@testable import QuorumSite

/// The published demo site in a real headless Chromium (Debian's `chromium`):
/// the index and a body page load, every image they name exists and decodes in
/// the browser, and a screenshot is kept as an artefact.
@Suite(.serialized, .testDatabases) struct BrowserTests {
    static let artefacts = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["QUORUM_ARTEFACTS"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("quorum-artefacts").path)

    @Sendable func demoSite() throws -> (URL, [ChartError]) {
        let connection = try TestDatabase.connect()
        defer { connection.finish() }
        _ = try DatasetImporter(connection).run(try DemoData.dataset(), file: "demo")
        let snapshot = try Aggregator().run(connection)
        let build = try SiteBuilder.build(snapshot: snapshot, charts: ChartSet.builtIn())
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-browser-\(UUID().uuidString)")
        try SitePublisher(root: root).publish(build.files)
        return (root.appendingPathComponent("current"), build.errors)
    }

    /// Runs Chromium headless with `arguments`, in a profile of its own, and returns
    /// what it printed.
    func chromium(_ arguments: [String]) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        // As root Chromium refuses its sandbox; the pages are Quorum's own.
        let run = try await runToEnd(
            [
                "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--allow-file-access-from-files", "--user-data-dir=\(profile.path)",
            ] + arguments)
        #expect(run.status == 0, "chromium \(arguments.last ?? "") exited \(run.status)")
        return run.output
    }

    static func attribute(_ name: String, in dom: String) -> [String] {
        var values: [String] = []
        var rest = dom[...]
        while let range = rest.range(of: " \(name)=\"") {
            let tail = rest[range.upperBound...]
            guard let end = tail.firstIndex(of: "\"") else { break }
            values.append(String(tail[..<end]))
            rest = tail[end...]
        }
        return values
    }

    @Test func theIndexAndABodyPageLoadWithEveryImage() async throws {
        let (site, errors) = try await offPool { try demoSite() }
        #expect(errors.isEmpty, "\(errors)")
        // The site root (`current` and `releases/`), never the temporary directory above it.
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        // The fonts the pages name first (the charts' faces), and what they cover.
        var coverage = Set<UInt32>()
        for face in ChartFont.regular.faces { coverage.formUnion(try await fontCoverage(of: face.path, family: face.family)) }
        for page in ["index.html", "youth-council.html", "ru/index.html", "zh/index.html"] {
            let url = site.appendingPathComponent(page)
            let dom = try await chromium(["--dump-dom", url.absoluteString])
            #expect(dom.contains("<h1>"), "\(page) did not load")
            #expect(!dom.contains("<script"))
            let sources = Self.attribute("src", in: dom)
            #expect(!sources.isEmpty, "\(page) shows no chart")
            let srcsets = Self.attribute("srcset", in: dom).flatMap { $0.split(separator: ",").map { String($0.split(separator: " ")[0]) } }
            let files = (sources + srcsets).map { URL(fileURLWithPath: $0, relativeTo: url.deletingLastPathComponent()).standardizedFileURL }
            for (source, file) in zip(sources + srcsets, files) {
                #expect(FileManager.default.fileExists(atPath: file.path), "\(page): \(source) is missing")
            }
            // No character of the page's text that neither font has: none drawn as an empty box.
            let uncovered = Set(dom.unicodeScalars.filter { !$0.properties.isWhitespace && !coverage.contains($0.value) })
            #expect(uncovered.isEmpty, "\(page): no font for \(uncovered.map { String($0) }.sorted().joined())")

            // The browser itself decodes every image: a probe page (outside the site)
            // loads them and writes down each one's natural size.
            let probe = site.deletingLastPathComponent().appendingPathComponent("probe-\(page.replacingOccurrences(of: "/", with: "-"))")
            let list = files.map { "\"" + $0.absoluteString + "\"" }.joined(separator: ",")
            try """
            <!doctype html><body><ul id="sizes"></ul><script>
            for (const source of [\(list)]) {
              const image = new Image();
              image.onload = () => { const li = document.createElement("li"); li.textContent = "ok " + image.naturalWidth + " " + source; sizes.append(li); };
              image.onerror = () => { const li = document.createElement("li"); li.textContent = "broken " + source; sizes.append(li); };
              image.src = source;
            }
            </script></body>
            """.write(to: probe, atomically: true, encoding: .utf8)
            let probed = try await chromium(["--virtual-time-budget=10000", "--dump-dom", probe.absoluteString])
            let broken = probed.components(separatedBy: "<li>").filter { $0.hasPrefix("broken ") }.map { $0.prefix(200) }
            #expect(broken.isEmpty, "\(page): images Chromium could not decode: \(broken)")
            #expect(probed.components(separatedBy: "<li>ok ").count - 1 == sources.count + srcsets.count, "\(page): not every image loaded")

            try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
            let screenshot = Self.artefacts.appendingPathComponent(
                "site-\(page.replacingOccurrences(of: ".html", with: "").replacingOccurrences(of: "/", with: "-")).png")
            try? FileManager.default.removeItem(at: screenshot)
            _ = try await chromium(["--window-size=1024,3000", "--screenshot=\(screenshot.path)", url.absoluteString])
            let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "no screenshot of \(page)")
            print("screenshot of \(page): \(screenshot.path)")
        }
    }

    /// On a phone, each chart is the narrow layout drawn for the phone's density and
    /// appearance, shown at (nearly) its own size, so its smallest type stays legible;
    /// on a desktop screen, the wide one. A probe script, added to a copy of the
    /// page, writes down what Chromium chose and how wide it shows it.
    @Test func aPhoneGetsChartsDrawnForItsWidth() async throws {
        let (site, _) = try await offPool { try demoSite() }
        defer { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }
        let page = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        let probe = site.appendingPathComponent("phone-probe.html")
        try page.replacingOccurrences(
            of: "</body>",
            with: """
                <script>
                window.addEventListener("load", () => {
                  const out = document.createElement("pre");
                  out.textContent = [...document.querySelectorAll("figure img")]
                    .map(i => "shown " + i.currentSrc.split("/").pop() + " " + i.getBoundingClientRect().width).join("\\n");
                  document.body.append(out);
                });
                </script></body>
                """
        ).write(to: probe, atomically: true, encoding: .utf8)
        func shown(_ arguments: [String]) async throws -> [(file: String, width: Double)] {
            let dom = try await chromium(arguments + ["--virtual-time-budget=10000", "--dump-dom", probe.absoluteString])
            // "shown NAME.narrow@3x.png 360", one to a line, the first after "<pre>", the last before "</pre>".
            let written = dom.components(separatedBy: "<pre>").last ?? ""
            return written.components(separatedBy: "shown ").dropFirst().map { entry in
                let parts = entry.prefix { $0 != "\n" && $0 != "<" }.split(separator: " ")
                return (String(parts.first ?? ""), Double(parts.dropFirst().first ?? "") ?? 0)
            }
        }
        let charts = ChartSet.builtIn().specs.filter { $0.page == "index" }
        for (arguments, image) in [
            (["--window-size=390,844", "--force-device-scale-factor=3"], ChartImage(dark: false, narrow: true, scale: 3)),
            (["--window-size=390,844", "--force-device-scale-factor=2", "--force-dark-mode"], ChartImage(dark: true, narrow: true, scale: 2)),
            (["--window-size=1024,800"], ChartImage(dark: false, narrow: false, scale: 1)),
        ] {
            let images = try await shown(arguments)
            #expect(images.count == charts.count, "\(arguments): \(images)")
            for (spec, shown) in zip(charts, images) {
                // A sparkline has one layout, small enough for any screen.
                let expected = spec.kind == .sparkline ? ChartImage.wide.filter { $0.dark == image.dark } : [image]
                #expect(expected.map { $0.file(spec.name) }.contains(shown.file), "\(arguments): \(spec.name) shows \(shown.file)")
                // Shown at its own width, give or take the page's margins: its type at the size
                // `NarrowLayoutTests` holds legible.
                if image.narrow && spec.kind != .sparkline {
                    #expect(shown.width >= 0.95 * Double(ChartSpec.narrowWidth), "\(spec.name) is shown \(shown.width) pixels wide")
                }
            }
        }
        try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
        let screenshot = Self.artefacts.appendingPathComponent("site-index-phone.png")
        try? FileManager.default.removeItem(at: screenshot)
        _ = try await chromium(
            [
                "--window-size=390,3000", "--force-device-scale-factor=2", "--screenshot=\(screenshot.path)",
                site.appendingPathComponent("index.html").absoluteString,
            ])
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "no screenshot at phone width")
    }
}
