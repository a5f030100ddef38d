import ArgumentParser
import QuorumDaemon

/// `quorum config reference`: the configuration table of docs/operations.md,
/// printed from the code (scripts/config-reference splices it into the guide).
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Configuration tools.", shouldDisplay: false, subcommands: [Reference.self])

    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every configuration key with its environment variable, default and meaning, as Markdown.")

        func run() {
            print(QuorumDaemon.Configuration.referenceMarkdown(), terminator: "")
        }
    }
}
