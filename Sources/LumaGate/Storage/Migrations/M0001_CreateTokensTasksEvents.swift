import SQLKit

/// Tokens, tasks, their state-change events and uploaded images. Times are milliseconds since
/// 1970 in BIGINT columns: portable, compact, and ordered.
struct M0001_CreateTokensTasksEvents: Migration {
    let version = 1
    let name = "create tokens, tasks, task_events, uploads"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.create(table: "tokens")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull, .unique)
            .column("secret_hash", type: .text, .notNull, .unique)
            .column("created_at", type: .bigint, .notNull)
            .column("revoked_at", type: .bigint)
            .run()

        try await sql.create(table: "tasks")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("token_id", type: .text, .notNull, .references("tokens", "id"))
            .column("state", type: .text, .notNull)
            .column("channel", type: .text, .notNull)
            .column("upstream_id", type: .text)
            .column("parent_id", type: .text)
            .column("request_json", type: .text, .notNull)
            .column("media_json", type: .text)
            .column("failure_reason", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .column("next_poll_at", type: .bigint)
            .column("leased_until", type: .bigint)
            .column("leased_by", type: .text)
            .column("luma_view", type: .text, .notNull)
            .run()
        try await sql.create(index: "tasks_by_token").on("tasks").column("token_id").column("created_at").run()
        try await sql.create(index: "tasks_due").on("tasks").column("next_poll_at").run()

        try await sql.create(table: "task_events")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("task_id", type: .text, .notNull, .references("tasks", "id"))
            .column("from_state", type: .text)
            .column("to_state", type: .text, .notNull)
            .column("reason", type: .text, .notNull)
            .column("at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "task_events_by_task").on("task_events").column("task_id").column("id").run()

        try await sql.create(table: "uploads")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("token_id", type: .text, .notNull, .references("tokens", "id"))
            .column("stored_path", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
    }
}
