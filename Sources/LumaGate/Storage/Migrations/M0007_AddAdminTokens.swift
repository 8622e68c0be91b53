import SQLKit

/// Admin tokens: they may use `/admin` (tokens, channels, every task, usage) beside the client API.
struct M0007_AddAdminTokens: Migration {
    let version = 7
    let name = "add tokens.is_admin"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "tokens").column("is_admin", type: .bigint, .notNull, .default(0)).run()
    }
}
