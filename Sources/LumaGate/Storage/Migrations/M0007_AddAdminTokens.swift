import SQLKit

/// Admin tokens: they may use `/admin` (tokens, channels, every task, usage) beside the client API,
/// whose task list reads every token's tasks newest first.
struct M0007_AddAdminTokens: Migration {
    let version = 7
    let name = "add tokens.is_admin, tasks_by_created"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "tokens").column("is_admin", type: .bigint, .notNull, .default(0)).run()
        try await sql.create(index: "tasks_by_created").on("tasks").column("created_at").run()
    }
}
