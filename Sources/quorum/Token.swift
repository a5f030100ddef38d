import ArgumentParser
import QuorumStore

/// `quorum token create NAME | list | revoke NAME`: the bearer tokens of the API.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the bearer tokens that API writes need.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token and print it; it is shown this once, and only its SHA-256 hash is kept.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "A name to tell the token by (letters, digits, '.', '_', '-').") var name: String

        func run() async throws {
            let token = try await database.withDatabase { connection in
                do { return try APITokens.create(name: name, on: connection) } catch let problem as APITokens.Problem {
                    throw ValidationError(problem.description)
                }
            }
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens by name, with when they were made and revoked.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let tokens = try await database.withDatabase { try APITokens.list(on: $0) }
            for token in tokens {
                print(
                    [token.name, "created \(token.createdAt)", token.revokedAt.map { "revoked \($0)" } ?? "active"]
                        .joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; requests with it get 403 within a few seconds.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            guard try await database.withDatabase({ try APITokens.revoke(name: name, on: $0) }) else {
                throw ValidationError("no active token named '\(name)'")
            }
            print("revoked \(name)")
        }
    }
}
