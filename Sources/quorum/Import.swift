import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a CSV or JSON file (docs/data-format.md); nothing is written unless the whole file is valid.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The file to import; its format follows from .csv or .json.")
    var file: String
    @Option(help: "csv or json, when the file name does not say.")
    var format: DataFormat?

    func run() async throws {
        let format = try format ?? DataFormat(fileName: file)
        let url = URL(fileURLWithPath: file)
        do {
            let summary: ImportSummary = try await database.withDatabase { connection in
                switch format {
                case .json:
                    let data = try Data(contentsOf: url)
                    return try DatasetImporter(connection).run(try Dataset.decode(json: data, file: file), file: file)
                case .csv:
                    let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                    guard let handle = FileHandle(forReadingAtPath: file) else {
                        throw ValidationError("cannot open \(file)")
                    }
                    defer { try? handle.close() }
                    let progress = Progress(total: size)
                    defer { progress.finish() }
                    let source = FigureLines { buffer in
                        guard let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else { return false }
                        buffer.append(contentsOf: chunk)
                        progress.bytes += chunk.count
                        return true
                    }
                    return try FigureImporter(connection).run(source, file: file) { progress.show(lines: $0) }
                }
            }
            print(summary)
        } catch let error as InvalidInput {
            Terminal.say(error.description)
            throw ExitCode(65)  // EX_DATAERR
        }  // A lost database is never the file's fault: `main` exits 69, and a wrapper may retry.
    }
}
