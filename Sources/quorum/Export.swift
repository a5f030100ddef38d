import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the data in the import formats: figures as CSV, or the whole dataset as JSON.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "csv (one figure per line) or json (everything).")
    var format: DataFormat = .csv
    @Option(name: .customLong("out"), help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        let sink = try OutputFile(path: output)
        try await database.withDatabase { connection in
            let exporter = Exporter(connection)
            switch format {
            case .csv: try exporter.writeCSV { try sink.write($0) }
            case .json: try sink.write(data: try exporter.dataset().encodedJSON())
            }
        }
        try sink.commit()
    }
}
