import ArgumentParser
import Foundation
import LumaGate

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list, show and revoke API tokens; set their quotas and limits.",
        subcommands: [Create.self, List.self, Show.self, SetQuota.self, SetLimits.self, RotateSigningSecret.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print its secret (shown only this once) on the last line.")
        @Option(help: "A unique name for the token, e.g. the client it is for.") var name: String
        @Option(help: "Credits the token may spend in all (default: unlimited).") var quota: Int64?
        @Option(help: "Requests per minute (default: the gateway's --default-requests-per-minute).") var requestsPerMinute: Int?
        @Option(help: "Unfinished tasks at once (default: the gateway's --default-max-in-flight).") var maxInFlight: Int?
        @Flag(help: "May also use the admin API under /admin: every token, channel and task.") var admin = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withTokens(store) { tokens in
                let (token, secret, signingSecret) = try await tokens.create(
                    name: name, quota: quota, requestsPerMinute: requestsPerMinute, maxInFlight: maxInFlight, isAdmin: admin)
                print(
                    "created \(token.isAdmin ? "admin " : "")token \(token.name) (id \(token.id)), "
                        + "quota \(token.quota.map { "\($0) credits" } ?? "unlimited")")
                print("webhook signing secret (shown only now): \(signingSecret)")
                print("token secret (shown only now):")
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
                print("NAME\tID\tCREATED\tSTATE\tQUOTA\tREMAINING")
                for token in all {
                    let created = ISO8601DateFormatter().string(from: Date(millis: token.createdAtMillis))
                    print(
                        "\(token.name)\t\(token.id)\t\(created)\t\(token.isRevoked ? "revoked" : token.isAdmin ? "active admin" : "active")\t"
                            + "\(token.quota.map(String.init) ?? "unlimited")\t\(token.remaining.map(String.init) ?? "unlimited")")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a token's quota, what it was charged and refunded, and its tasks.")
        @Argument(help: "The token's id or name.") var token: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withTokens(store) { tokens in
                let usage = try await tokens.usage(token)
                let token = usage.token
                print("name:         \(token.name)")
                print("id:           \(token.id)")
                print("state:        \(token.isRevoked ? "revoked" : "active")")
                print("quota:        \(token.quota.map { "\($0) credits" } ?? "unlimited")")
                print("remaining:    \(token.remaining.map { "\($0) credits" } ?? "unlimited")")
                print("charged:      \(usage.charged) credits")
                print("refunded:     \(usage.refunded) credits")
                print("net spent:    \(usage.charged - usage.refunded) credits")
                print(
                    "limits:       \(token.requestsPerMinute.map { "\($0) requests/min" } ?? "default requests/min"), "
                        + "\(token.maxInFlight.map { "\($0) in flight" } ?? "default in flight")")
                print("tasks:        " + TaskState.allCases.map { "\(usage.tasks[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
            }
        }
    }

    struct SetQuota: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-quota", abstract: "Set the credits a token may spend in all (what it used so far still counts).")
        @Argument(help: "The token's id or name.") var token: String
        @Argument(help: "Credits, or \"unlimited\".") var quota: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let value: Int64?
            if quota == "unlimited" {
                value = nil
            } else {
                guard let number = Int64(quota), number >= 0 else { throw ValidationError("The quota must be a number of credits or \"unlimited\".") }
                value = number
            }
            try await withTokens(store) { tokens in
                let updated = try await tokens.setQuota(token, quota: value)
                print(
                    "token \(updated.name): quota \(updated.quota.map { "\($0) credits" } ?? "unlimited"), "
                        + "remaining \(updated.remaining.map { "\($0) credits" } ?? "unlimited")")
            }
        }
    }

    struct SetLimits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-limits", abstract: "Set a token's own limits; leave one out to use the gateway's default.")
        @Argument(help: "The token's id or name.") var token: String
        @Option(help: "Requests per minute.") var requestsPerMinute: Int?
        @Option(help: "Unfinished tasks at once.") var maxInFlight: Int?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withTokens(store) { tokens in
                let updated = try await tokens.setLimits(token, requestsPerMinute: requestsPerMinute, maxInFlight: maxInFlight)
                print(
                    "token \(updated.name): \(updated.requestsPerMinute.map(String.init) ?? "default") requests/min, "
                        + "\(updated.maxInFlight.map(String.init) ?? "default") in flight")
            }
        }
    }

    struct RotateSigningSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-signing-secret", abstract: "Replace a token's webhook signing secret and print the new one.")
        @Argument(help: "The token's id or name.") var token: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withTokens(store) { tokens in
                print(try await tokens.rotateSigningSecret(token))
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
