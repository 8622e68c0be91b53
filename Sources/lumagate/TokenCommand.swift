import ArgumentParser
import Foundation
import LumaGate

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print its secret (shown only this once) on the last line.")
        @Option(help: "A unique name for the token, e.g. the client it is for.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withTokens(store) { tokens in
                let (token, secret) = try await tokens.create(name: name)
                print("created token \(token.name) (id \(token.id)); its secret is shown only now:")
                print(secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withTokens(store) { tokens in
                let all = try await tokens.list()
                print("NAME\tID\tCREATED\tSTATE")
                for token in all {
                    let created = ISO8601DateFormatter().string(from: Date(millis: token.createdAtMillis))
                    print("\(token.name)\t\(token.id)\t\(created)\t\(token.isRevoked ? "revoked" : "active")")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id or name; it stops working at once.")
        @Argument(help: "The token's id or name.") var token: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withTokens(store) { tokens in
                let revoked = try await tokens.revoke(token)
                print("revoked token \(revoked.name) (id \(revoked.id))")
            }
        }
    }
}

/// Runs `body` with the tokens of the store; a token error is printed as its sentence and exits
/// non-zero.
private func withTokens(_ store: StoreOptions, _ body: (TokenService) async throws -> Void) async throws {
    try await store.withDatabase { database in
        do {
            try await body(TokenService(repository: TokenRepository(database: database), now: { Date() }))
        } catch let error as TokenService.Failure {
            throw ValidationError(error.description)
        }
    }
}
