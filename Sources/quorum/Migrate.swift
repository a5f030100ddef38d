import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withDatabase { connection in
            print("schema at version \(try Migrator().currentVersion(connection))")
        }
    }
}
