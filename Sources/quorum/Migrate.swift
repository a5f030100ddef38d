import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations.")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try database.withDatabase { connection in
            print("schema at version \(try Migrator().currentVersion(connection))")
        }
    }
}
