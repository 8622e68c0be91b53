import SQLKit

/// Money and limits: a token's quota and what it has used (one conditional update charges it),
/// its per-token limits and webhook signing secret, each task's price, the ledger of every charge
/// and refund (at most one of each per task, by a unique index), and idempotency keys.
struct M0005_AddQuotasLedgerLimits: Migration {
    let version = 5
    let name = "add token quotas and limits, task prices, ledger, idempotency keys"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "tokens").column("quota", type: .bigint).run()
        try await sql.alter(table: "tokens").column("used", type: .bigint, .notNull, .default(0)).run()
        try await sql.alter(table: "tokens").column("requests_per_minute", type: .bigint).run()
        try await sql.alter(table: "tokens").column("max_in_flight", type: .bigint).run()
        try await sql.alter(table: "tokens").column("signing_secret", type: .text).run()
        try await sql.alter(table: "tasks").column("price", type: .bigint, .notNull, .default(0)).run()
        try await sql.create(index: "tasks_by_token_state").on("tasks").column("token_id").column("state").run()

        try await sql.create(table: "ledger")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("token_id", type: .text, .notNull, .references("tokens", "id"))
            .column("task_id", type: .text, .notNull, .references("tasks", "id"))
            .column("kind", type: .text, .notNull)
            .column("amount", type: .bigint, .notNull)
            .column("at", type: .bigint, .notNull)
            .column("reason", type: .text, .notNull)
            .run()
        try await sql.create(index: "ledger_once_per_task").unique().on("ledger").column("task_id").column("kind").run()
        try await sql.create(index: "ledger_by_token").on("ledger").column("token_id").run()

        try await sql.create(table: "idempotency_keys")
            .column("token_id", type: .text, .notNull, .references("tokens", "id"))
            .column("key", type: .text, .notNull)
            .column("request_hash", type: .text, .notNull)
            .column("task_id", type: .text, .notNull, .references("tasks", "id"))
            .column("created_at", type: .bigint, .notNull)
            .primaryKey("token_id", "key")
            .run()
    }
}
