import Foundation
import Hummingbird
import HummingbirdTesting
import QuorumServer
import QuorumTestSupport
import Testing

/// The published site, served from memory by lookup.
@Suite(.testDatabases) struct SiteTests {
    /// The smallest valid PNG: one transparent pixel.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
        0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
        0x42, 0x60, 0x82,
    ]

    /// A site root as the renderer publishes it: `releases/NAME` and `current` pointing there.
    static func publish(_ root: URL, release: String, index: String) throws {
        let tree = root.appendingPathComponent("releases/\(release)")
        let fm = FileManager.default
        try fm.createDirectory(at: tree.appendingPathComponent("charts"), withIntermediateDirectories: true)
        try fm.createDirectory(at: tree.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data(index.utf8).write(to: tree.appendingPathComponent("index.html"))
        try Data("<!doctype html><title>CBM</title>".utf8).write(to: tree.appendingPathComponent("cbm.html"))
        try Data("body { margin: 0 }".utf8).write(to: tree.appendingPathComponent("style.css"))
        try Data(#"{"snapshot": {"id": 1}}"#.utf8).write(to: tree.appendingPathComponent("manifest.json"))
        try Data(png).write(to: tree.appendingPathComponent("charts/participants-by-year.png"))
        try Data(png).write(to: tree.appendingPathComponent("charts/participants-by-year@2x.png"))
        try Data("year,participants\r\n2024,140\r\n".utf8).write(to: tree.appendingPathComponent("data/participants-by-year.csv"))
        try fm.createDirectory(at: tree.appendingPathComponent("ru/charts"), withIntermediateDirectories: true)
        try Data("<!doctype html><html lang=\"ru\"><title>Quorum</title>".utf8).write(to: tree.appendingPathComponent("ru/index.html"))
        try Data(png).write(to: tree.appendingPathComponent("ru/charts/participants-by-year.png"))
        let temporary = root.appendingPathComponent("current.tmp")
        try? fm.removeItem(at: temporary)
        try fm.createSymbolicLink(atPath: temporary.path, withDestinationPath: "releases/\(release)")
        guard rename(temporary.path, root.appendingPathComponent("current").path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    static func siteRoot() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-site-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // A file outside the tree that no request may reach.
        try Data("secret".utf8).write(to: root.appendingPathComponent("secret.txt"))
        try publish(root, release: "r1", index: "<!doctype html><title>Quorum</title><h1>first</h1>")
        return root
    }

    @Test func servesPagesChartsAndDataWithTheirTypesAndHeaders() async throws {
        let root = try Self.siteRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = SiteFiles(root: root)
        #expect(try site.reload() == 9)
        let fixture = try ServerFixture(seeded: false, site: site)
        try await fixture.application().test(.router) { client in
            let index = try await client.execute(uri: "/", method: .get)
            #expect(index.status == .ok)
            #expect(index.text.contains("<h1>first</h1>"))
            #expect(index.headers[.contentType] == "text/html; charset=utf-8")
            #expect(index.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(index.headers[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
            #expect(index.headers[.xContentTypeOptions] == "nosniff")

            let png = try await client.execute(uri: "/charts/participants-by-year.png", method: .get)
            #expect(png.status == .ok)
            #expect(png.headers[.contentType] == "image/png")
            #expect(Array(png.body.readableBytesView) == Self.png)
            #expect(png.headers[.xContentTypeOptions] == "nosniff")
            let retina = try await client.execute(uri: "/charts/participants-by-year@2x.png", method: .get)
            #expect(retina.status == .ok)

            let etag = try #require(png.headers[.eTag])
            let cached = try await client.execute(uri: "/charts/participants-by-year.png", method: .get, headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)

            for (uri, type) in [
                ("/cbm.html", "text/html"), ("/style.css", "text/css"), ("/manifest.json", "application/json"),
                ("/data/participants-by-year.csv", "text/csv"),
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentType]?.hasPrefix(type) == true, "\(uri)")
            }
        }
    }

    @Test func pathTraversalIsNotFound() async throws {
        let root = try Self.siteRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = SiteFiles(root: root)
        try site.reload()
        let fixture = try ServerFixture(seeded: false, site: site)
        try await fixture.application().test(.router) { client in
            for uri in [
                "/charts/../../etc/passwd", "/charts/..%2F..%2Fetc%2Fpasswd", "/charts/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "/charts/..%252F..%252Fetc%252Fpasswd", "/data/..%2Fsecret.txt", "/..%2Fsecret.txt", "/../secret.txt",
                "/secret.txt", "/charts/%2e%2e/index.html", "/charts/.%2e/%2e%2e/secret.txt", "/%2Fetc%2Fpasswd",
                "/releases/r1/index.html", "/current/index.html", "/charts/", "/data",
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
                #expect(!response.text.contains("secret") && !response.text.contains("root:"), "\(uri)")
            }
        }
    }

    @Test func aNewPublishIsServedAfterReload() async throws {
        let root = try Self.siteRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = SiteFiles(root: root)
        try site.reload()
        #expect(try site.reloadIfChanged() == false)
        let fixture = try ServerFixture(seeded: false, site: site)
        try await fixture.application().test(.router) { client in
            let before = try await client.execute(uri: "/", method: .get)
            try Self.publish(root, release: "r2", index: "<!doctype html><title>Quorum</title><h1>second</h1>")
            #expect(try site.reloadIfChanged())
            let after = try await client.execute(uri: "/", method: .get)
            #expect(before.text.contains("first") && after.text.contains("second"))
            #expect(before.headers[.eTag] != after.headers[.eTag])
        }
    }

    /// A file the next release links unchanged from the last one is the same file on
    /// disk: it is not read again. (Shown by changing the linked file behind the
    /// server's back, keeping its size and time: the server keeps what it read.)
    /// A file written anew is read.
    @Test func aFileLinkedUnchangedIntoTheNextReleaseIsNotReadAgain() throws {
        let root = try Self.siteRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = SiteFiles(root: root)
        try site.reload()
        try Self.publish(root, release: "r2", index: "<!doctype html><title>Quorum</title><h1>second</h1>")
        let old = root.appendingPathComponent("releases/r1/style.css"), new = root.appendingPathComponent("releases/r2/style.css")
        try FileManager.default.removeItem(at: new)
        try FileManager.default.linkItem(at: old, to: new)
        var status = stat()
        #expect(lstat(old.path, &status) == 0)
        var times = [status.st_atim, status.st_mtim]
        try Data("body { margin: 1 }".utf8).write(to: old, options: [])  // same size, same inode
        #expect(utimensat(AT_FDCWD, old.path, &times, 0) == 0)
        #expect(try site.reloadIfChanged())
        #expect(site.file("index.html").map { String(buffer: $0.body) }?.contains("second") == true)
        #expect(site.file("style.css").map { String(buffer: $0.body) } == "body { margin: 0 }")
    }

    @Test func nothingPublishedYetIsA503ToRetry() async throws {
        let fixture = try ServerFixture(seeded: false)
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "2")
            #expect(response.text.contains("nothing has been published"))
        }
    }
}

/// Each language's pages under its code; `/` in the language the reader prefers.
@Suite(.testDatabases) struct SiteLanguageTests {
    @Test func eachLanguageIsServedUnderItsCodeAndTheRootFollowsAcceptLanguage() async throws {
        let root = try SiteTests.siteRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let tree = root.appendingPathComponent("releases/r1")
        for language in ["en", "ru", "zh"] {
            try FileManager.default.createDirectory(at: tree.appendingPathComponent("\(language)/charts"), withIntermediateDirectories: true)
            try Data("<!doctype html><html lang=\"\(language)\">".utf8).write(to: tree.appendingPathComponent("\(language)/index.html"))
        }
        try Data(SiteTests.png).write(to: tree.appendingPathComponent("ru/charts/participants-by-year.png"))
        let site = SiteFiles(root: root)
        try site.reload()
        let fixture = try ServerFixture(seeded: false, site: site)
        try await fixture.application().test(.router) { client in
            let russian = try await client.execute(uri: "/ru/", method: .get)
            #expect(russian.status == .ok)
            #expect(russian.text.contains("lang=\"ru\""))
            #expect(try await client.execute(uri: "/zh/index.html", method: .get).text.contains("lang=\"zh\""))
            let bare = try await client.execute(uri: "/ru", method: .get)
            #expect(bare.status == .movedPermanently)
            #expect(bare.headers[.location] == "/ru/")
            let chart = try await client.execute(uri: "/ru/charts/participants-by-year.png", method: .get)
            #expect(chart.status == .ok && chart.headers[.contentType] == "image/png")
            #expect(try await client.execute(uri: "/fr/index.html", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/ru/../secret.txt", method: .get).status != .ok)

            // Without a preference, or preferring English, `/` is the English index.
            let plain = try await client.execute(uri: "/", method: .get)
            #expect(plain.status == .ok && plain.text.contains("<h1>first</h1>"))
            #expect(plain.headers[.vary] == "Accept-Language")
            for (header, location) in [
                ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "/ru/"), ("zh-CN,zh;q=0.9", "/zh/"),
                ("en;q=0.9, zh-Hans;q=0.95", "/zh/"), ("de-DE,ru;q=0.5", "/ru/"),
            ] {
                let answer = try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: header])
                #expect(answer.status == .found, "\(header)")
                #expect(answer.headers[.location] == location, "\(header)")
                #expect(answer.headers[.vary] == "Accept-Language")
            }
            for header in ["en-GB,en;q=0.9,ru;q=0.8", "de-DE", "ru;q=0", "*"] {
                let answer = try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: header])
                #expect(answer.status == .ok, "\(header)")
            }
        }
    }
}
