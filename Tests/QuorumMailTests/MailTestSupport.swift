import Foundation
import QuorumAggregates
import QuorumMail
import QuorumModel
import QuorumTestSupport
import Synchronization
import Testing

/// Debian's Python, which has aiosmtpd (python3-aiosmtpd), whatever `python3` is on the PATH.
let python = "/usr/bin/python3"
let supportDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support")

/// Runs blocking work (a child process, libpq) on a thread of its own, so the few
/// threads of Swift's cooperative pool stay free for the tests running alongside.
func temporaryDirectory(_ label: String) throws -> URL {
    let url = URL(fileURLWithPath: NSTemporaryDirectory())
        .appendingPathComponent("quorum-mail-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A real SMTP server (aiosmtpd) on a free loopback port, for one test.
final class SMTPServer: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let process: Process

    /// Starts the server and waits for its port, off the cooperative pool.
    static func start(_ arguments: [String] = []) async throws -> SMTPServer {
        try await offPool { try SMTPServer(arguments) }
    }

    private init(_ arguments: [String]) throws {
        directory = try temporaryDirectory("smtp")
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [supportDirectory.appendingPathComponent("smtp_server.py").path, "--dir", directory.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw MailTestFailure("the SMTP server did not start")
        }
        self.port = port
    }

    deinit {
        // Foundation reaps the child; waiting here can spin for ever on Linux.
        kill(process.processIdentifier, SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// The messages accepted so far, oldest first.
    var messages: [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// How many DATA commands the server answered (accepted or not).
    var dataCommands: Int {
        ((try? String(contentsOf: directory.appendingPathComponent("data.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").count
    }

    /// The SMTP envelope of the n-th accepted message.
    func envelope(_ index: Int) throws -> Envelope {
        let url = messages[index].deletingPathExtension().appendingPathExtension("json")
        return try JSONDecoder().decode(Envelope.self, from: Data(contentsOf: url))
    }

    struct Envelope: Decodable {
        let from: String
        let to: [String]
        let login: String?
    }
}

/// A port on which nothing listens.
func closedPort() -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            _ = bind(socket, pointer, length)
            return getsockname(socket, pointer, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

struct MailTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What Python's standard `email` package reads in a message (see Support/check_message.py).
struct ParsedMessage: Decodable, Sendable {
    struct Node: Decodable, Equatable, Sendable {
        let type: String
        let parts: [Node]?
    }
    struct Image: Decodable, Sendable {
        let cid: String
        let disposition: String?
        let size: Int
        let sha256: String
        let png: Bool
        let filename: String?
    }
    struct Attachment: Decodable, Sendable {
        let type: String
        let filename: String?
        let disposition: String?
        let text: String
        let size: Int
        let sha256: String
    }
    let subject: String
    let from: String
    let to: String
    let cc: String?
    let bcc: String?
    let date: String
    let date_parsed: String?
    let message_id: String
    let snapshot: String
    let tree: Node
    let defects: [String]
    let text: String?
    let html: String?
    let images: [Image]
    let attachments: [Attachment]
    let non_ascii_bytes: Bool
    let bare_newlines: Int
    let long_lines: [String]

    static func parse(_ file: URL) async throws -> ParsedMessage {
        try await offPool { try parseNow(file) }
    }

    private static func parseNow(_ file: URL) throws -> ParsedMessage {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [supportDirectory.appendingPathComponent("check_message.py").path, file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw MailTestFailure("check_message.py failed on \(file.path)") }
        return try JSONDecoder().decode(ParsedMessage.self, from: data)
    }

    static func parse(bytes: [UInt8]) async throws -> ParsedMessage {
        let directory = try temporaryDirectory("eml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("message.eml")
        try Data(bytes).write(to: file)
        return try await parse(file)
    }
}

func sha256(_ bytes: [UInt8]) async throws -> String {
    try await offPool { try sha256Now(bytes) }
}

private func sha256Now(_ bytes: [UInt8]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    try input.fileHandleForWriting.write(contentsOf: Data(bytes))
    try input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.prefix(64))
}

// MARK: Fixtures

/// A valid PNG (8-bit RGB, zlib stored blocks) with a gradient that `seed` varies.
func makePNG(width: Int, height: Int, seed: UInt8) -> [UInt8] {
    var raw: [UInt8] = []
    for y in 0..<height {
        raw.append(0)
        for x in 0..<width { raw += [UInt8(truncatingIfNeeded: x &* 3) &+ seed, UInt8(truncatingIfNeeded: y), 200] }
    }
    var zlib: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
        let length = min(65_535, raw.count - offset)
        let final: UInt8 = offset + length == raw.count ? 1 : 0
        zlib += [final, UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8((~length >> 8) & 0xff)]
        zlib += raw[offset..<offset + length]
        offset += length
    } while offset < raw.count
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw {
        a = (a + UInt32(byte)) % 65_521
        b = (b + a) % 65_521
    }
    zlib += bigEndian((b << 16) | a)

    let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
}

private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xffff_ffff
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
    }
    return ~crc
}

private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
}

private func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

/// A snapshot with the built-in aggregates' columns, and Türkiye, HTML and a
/// formula in its data; figures at least, approximate and derived.
func sampleSnapshot(id: Int64 = 12, dataVersion: Int64 = 40) -> Snapshot {
    let source = Value.text("cica-2020-2024")
    return Snapshot(
        id: id, startedAt: Date(timeIntervalSince1970: 1_795_338_000), finishedAt: Date(timeIntervalSince1970: 1_795_338_001),
        dataVersion: dataVersion,
        tables: [
            AggregateTable(
                name: "organisation_totals",
                description: "Per organisation: bodies, events, events with participation figures, participants in all, years covered.",
                columns: [
                    "organisation", "name", "bodies", "events", "events_with_participants", "participants", "participants_qualifier",
                    "first_year", "last_year",
                ],
                rows: [
                    [
                        .text("CICA"), .text("Conference on Interaction and Confidence-building Measures in Asia"), .integer(10),
                        .integer(25), .integer(12), .integer(1523), .text("at_least"), .integer(2020), .integer(2024),
                    ],
                    [
                        .text("Türkiye <delegation>"), .text("=HYPERLINK(\"x\")"), .integer(1), .integer(2), .integer(2), .integer(18),
                        .text("exact"), .integer(2023), .integer(2024),
                    ],
                ]),
            AggregateTable(
                name: "body_year",
                description: "Per body and year: sessions; participants (total, mean, median, min, max); member states represented, "
                    + "their share of the membership at the end of the year; organisations present.",
                columns: [
                    "organisation", "body", "body_name", "year", "sessions", "participants", "participants_qualifier",
                    "participants_derivation", "participants_reported", "participants_mean", "participants_median",
                    "participants_min", "participants_max", "member_states", "member_states_qualifier", "member_states_derivation",
                    "member_states_basis", "member_states_scope", "members", "member_share", "organisations",
                    "organisations_qualifier", "organisations_derivation", "sources",
                ],
                rows: [
                    [
                        .text("CICA"), .text("business-council"), .text("Business Council"), .integer(2021), .integer(1), .integer(116),
                        .text("exact"), .null, .integer(1), .integer(116), .integer(116), .integer(116), .integer(116), .integer(19),
                        .text("exact"), .text("counted from the states the item names"), .text("reported"), .text("member_states"),
                        .integer(27), .number(0.704), .null, .null, .null, source,
                    ],
                    [
                        .text("CICA"), .text("business-council"), .text("Business Council"), .integer(2024), .integer(2), .integer(140),
                        .text("at_least"), .null, .integer(2), .integer(70), .number(70.5), .integer(40), .integer(100), .integer(18),
                        .text("at_least"), .null, .text("largest count (lower bound)"), .text("member_states_and_observers"),
                        .integer(28), .null, .integer(3), .text("exact"), .text("counted from the organisations the item names"), source,
                    ],
                    [
                        .text("CICA"), .text("youth-council"), .text("Youth Council"), .integer(2022), .integer(1), .integer(1250),
                        .text("approximately"), .text("the sum of the figures of its two days"), .integer(1), .integer(1250),
                        .integer(1250), .integer(1250), .integer(1250), .null, .null, .null, .null, .null, .integer(28), .null, .null,
                        .null, .null, .text("cica-2020-2024 sco-plus-2024"),
                    ],
                ]),
            AggregateTable(
                name: "format_mix",
                description: "Per organisation and year: how many events were held online, hybrid, in person, or in a format not reported.",
                columns: ["organisation", "year", "online", "hybrid", "in_person", "not_reported", "events"],
                rows: [
                    [.text("CICA"), .integer(2021), .integer(10), .integer(5), .integer(20), .integer(5), .integer(40)],
                    [.text("CICA"), .integer(2022), .integer(0), .integer(0), .integer(1), .integer(0), .integer(1)],
                ]),
            AggregateTable(
                name: "cbm_events", description: "Dated events per CBM dimension and year.",
                columns: ["organisation", "dimension", "dimension_name", "year", "events"],
                rows: [
                    [
                        .text("CICA"), .text("new_challenges_and_threats"), .text("New challenges and threats dimension"), .integer(2023),
                        .integer(4),
                    ]
                ]),
            AggregateTable(
                name: "year_over_year", description: "Per body: participants in each year with reported figures, and the change.",
                columns: [
                    "organisation", "body", "year", "participants", "qualifier", "previous_year", "change", "change_percent",
                    "change_qualifier",
                ],
                rows: [
                    [.text("CICA"), .text("business-council"), .integer(2021), .integer(116), .text("exact"), .null, .null, .null, .null],
                    [
                        .text("CICA"), .text("business-council"), .integer(2024), .integer(140), .text("at_least"), .integer(2021),
                        .integer(24), .number(20.7), .text("at_least"),
                    ],
                ]),
            AggregateTable(
                name: "period_totals", description: "Totals as the documents report them for whole periods.",
                columns: [
                    "organisation", "measure", "label", "value", "qualifier", "period_from", "period_to", "source", "locator",
                    "note", "derivation",
                ],
                rows: [
                    [
                        .text("CICA"), .text("events"), .text("Events held"), .integer(160), .text("exact"), .text("2020-10"),
                        .text("2024-10"), source, .text("Annex, 1.1"), .null, .null,
                    ],
                    [
                        .text("CICA"), .text("ratifications_still_required"), .text("Further ratifications required"), .integer(3),
                        .text("exact"), .null, .text("2025-01-13"), source, .text("Annex, 3.2"), .text("As of the letter's date."),
                        .text("14 required less the 11 ratified"),
                    ],
                ]),
            AggregateTable(
                name: "membership", description: "Membership counts from each date on: members, observers and partners.",
                columns: ["organisation", "role", "valid_from", "count", "qualifier", "source", "locator", "note", "derivation"],
                rows: [
                    [
                        .text("CICA"), .text("member"), .text("2020"), .integer(27), .text("exact"), source, .text("Annex, Background"),
                        .null, .text("28 Member States less Kuwait, which joined in 2022"),
                    ],
                    [
                        .text("CICA"), .text("observer"), .text("2022"), .integer(9), .text("approximately"), source,
                        .text("Annex, Background"), .text("Observer states only."), .null,
                    ],
                ]),
            AggregateTable(
                name: "milestones_per_year", description: "Dated milestones per kind and year.",
                columns: ["organisation", "kind", "year", "milestones", "dated_by_range"],
                rows: [[.text("CICA"), .text("concept_paper_renewed"), .integer(2021), .integer(3), .integer(0)]]),
            AggregateTable(
                name: "coverage", description: "What the documents report against what the dataset holds.",
                columns: ["organisation", "measure", "label", "value", "qualifier", "period_from", "period_to", "source", "in_dataset"],
                rows: [
                    [
                        .text("CICA"), .text("events"), .text("Events held"), .integer(160), .text("exact"), .text("2020-10"),
                        .text("2024-10"), source, .integer(25),
                    ]
                ]),
        ])
}

/// A published site in exactly the contract's layout: `current` → `releases/r1`,
/// with `manifest.json` and `charts/<name>.png`. Returns the site root and the PNGs.
func writeSite(snapshot: Snapshot, charts: [String], in root: URL) throws -> [String: [UInt8]] {
    let release = root.appendingPathComponent("releases/r1")
    try FileManager.default.createDirectory(at: release.appendingPathComponent("charts"), withIntermediateDirectories: true)
    var pngs: [String: [UInt8]] = [:]
    var entries: [SiteManifest.Chart] = []
    for (index, name) in charts.enumerated() {
        let png = makePNG(width: 80, height: 40, seed: UInt8(index * 40))
        pngs[name] = png
        entries.append(
            SiteManifest.Chart(
                name: name, title: "Participants & states — \(name)", subtitle: "CICA, 2020–2024", source: "CICA/SEC/2024/3",
                alt: "Bar chart: 2022: 140 (at least), 2023: 160, 2024: 18 member states (Türkiye <observer>)",
                page: "index.html", width: 800, height: 400))
        try Data(png).write(to: release.appendingPathComponent(entries.last!.files.png))
    }
    let manifest = SiteManifest(
        snapshot: .init(
            id: snapshot.id, startedAt: "2026-11-22T09:00:00Z", finishedAt: "2026-11-22T09:00:01Z",
            dataVersion: snapshot.dataVersion),
        renderedAt: "2026-11-22T09:00:01Z", charts: entries, pages: [.init(path: "index.html", title: "Quorum")], errors: [])
    try Data(try manifest.encoded()).write(to: release.appendingPathComponent(SiteManifest.fileName))
    try? FileManager.default.removeItem(at: root.appendingPathComponent("current"))
    try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("current").path, withDestinationPath: "releases/r1")
    return pngs
}

/// A clock the test moves; the mailer looks again every few milliseconds.
final class ManualClock: MailClock {
    private let instant: Mutex<Date>
    init(_ start: Date) { instant = Mutex(start) }
    var now: Date { instant.withLock { $0 } }
    func advance(by seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
    func set(_ date: Date) { instant.withLock { $0 = date } }
    func sleep(until deadline: Date) async throws { try await Task.sleep(for: .milliseconds(20)) }
}

func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
