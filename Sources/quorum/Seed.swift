import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the built-in CICA 2020–2024 dataset (idempotent).")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Load the demo dataset taken from the CICA and SCO source documents.")
    var demo = false

    func validate() throws {
        guard demo else { throw ValidationError("say which dataset: --demo") }
    }

    func run() async throws {
        let dataset = try DemoData.dataset()
        let summary = try await database.withDatabase { try DatasetImporter($0).run(dataset, file: "built-in CICA dataset") }
        print(summary)
    }
}
