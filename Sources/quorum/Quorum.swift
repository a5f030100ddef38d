import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

@main
struct Quorum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quorum",
        abstract: "Participation numbers of intergovernmental meetings, kept in PostgreSQL.",
        version: QuorumVersion.current,
        subcommands: [
            Serve.self, Aggregate.self, Migrate.self, Seed.self, Import.self, Export.self, Render.self,
            Generate.self, Schedule.self, Config.self, Token.self, ReportCommand.self,
        ])

    /// Runs the command; the exit status says what went wrong, the same for every
    /// command (sysexits.h): 65 invalid input, 69 the database unavailable or
    /// lost, 78 a bad configuration, 1 anything else.
    static func main() async {
        // A mask inherited from the parent (a thread that blocked SIGTERM, say) would
        // hold back the signals that stop Quorum: start with none blocked.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as PQError where error.isUnavailable {
            Terminal.say("the database is unavailable or the connection was lost: \(error)")
            Foundation.exit(69)  // EX_UNAVAILABLE
        } catch let error as QuorumDaemon.Configuration.Invalid {
            Terminal.say(error.description)
            Foundation.exit(78)  // EX_CONFIG
        } catch {
            exit(withError: error)
        }
    }
}

enum QuorumVersion {
    static let current = "0.1.0"
}
