import Foundation

/// What poppler's command-line tools (Debian's poppler-utils) read in a PDF: the
/// standard reader's view, not Quorum's own.
public struct PopplerReading: Sendable {
    /// `pdfinfo`'s fields: "Pages" → "3", "Page size" → "595.276 x 841.89 pts (A4)", …
    public let info: [String: String]
    /// `pdftotext` of the whole document, in reading order.
    public let text: String
    /// `pdffonts`: each font's name, and whether it is embedded and subset.
    public let fonts: [(name: String, embedded: Bool, subset: Bool)]

    /// Reads the whole document, or only `pages` of it (numbered from 1) for the text.
    public init(pdf bytes: [UInt8], pages: ClosedRange<Int>? = nil) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("document.pdf")
        try Data(bytes).write(to: file)
        var info: [String: String] = [:]
        for line in try Self.run("pdfinfo", [file.path]).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            info[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.info = info
        let range = pages.map { ["-f", "\($0.lowerBound)", "-l", "\($0.upperBound)"] } ?? []
        text = try Self.run("pdftotext", range + [file.path, "-"])
        fonts = try Self.run("pdffonts", [file.path]).split(separator: "\n").dropFirst(2).map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // name type… encoding emb sub uni object ID: the flags are the 5th to 3rd fields from the end.
            return (fields[0], fields[fields.count - 5] == "yes", fields[fields.count - 4] == "yes")
        }
    }

    /// One page rendered in grey (`pdftoppm -gray`): width, height and a byte per pixel, 255 white.
    public static func greyPage(pdf bytes: [UInt8], page: Int, dpi: Int = 50) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("document.pdf")
        try Data(bytes).write(to: file)
        _ = try run(
            "pdftoppm",
            [
                "-gray", "-r", "\(dpi)", "-f", "\(page)", "-l", "\(page)", "-singlefile", file.path,
                directory.appendingPathComponent("page").path,
            ])
        let pgm = [UInt8](try Data(contentsOf: directory.appendingPathComponent("page.pgm")))
        // "P5\n<width> <height>\n255\n" then the pixels.
        var fields: [Int] = []
        var index = 2, number = ""
        while fields.count < 3 {
            let byte = pgm[index]
            index += 1
            if byte >= 0x30 && byte <= 0x39 {
                number.append(Character(UnicodeScalar(byte)))
            } else if !number.isEmpty {
                fields.append(Int(number)!)
                number = ""
            }
        }
        return (fields[0], fields[1], Array(pgm[index...]))
    }

    private static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/" + tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(tool) failed (\(process.terminationStatus))"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
