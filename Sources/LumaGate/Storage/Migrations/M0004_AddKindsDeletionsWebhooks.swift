import SQLKit

/// Image generations beside videos (the relay format shows videos only), deleted tasks (kept for
/// their history, hidden from their owner), and the outbox of client webhooks.
struct M0004_AddKindsDeletionsWebhooks: Migration {
    let version = 4
    let name = "add tasks.kind, tasks.deleted_at, webhook_deliveries"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "tasks").column("kind", type: .text, .notNull, .default("video")).run()
        try await sql.alter(table: "tasks").column("deleted_at", type: .bigint).run()

        try await sql.create(table: "webhook_deliveries")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("task_id", type: .text, .notNull, .references("tasks", "id"))
            .column("url", type: .text, .notNull)
            .column("payload", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("attempts", type: .bigint, .notNull, .default(0))
            .column("next_attempt_at", type: .bigint)
            .column("delivered_at", type: .bigint)
            .column("last_error", type: .text)
            .column("leased_until", type: .bigint)
            .column("leased_by", type: .text)
            .run()
        try await sql.create(index: "webhook_deliveries_due").on("webhook_deliveries").column("next_attempt_at").run()
        try await sql.create(index: "webhook_deliveries_by_task").on("webhook_deliveries").column("task_id").column("id").run()
    }
}
