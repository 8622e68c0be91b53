import SQLKit

/// Webhook endpoints a token registers (OpenAI's `/v1/webhook_endpoints`): the outbox's deliveries
/// to one carry its id, so they are signed with its secrets when sent, and the event's id, which
/// stays the same across retries (`webhook-id`).
struct M0021_CreateWebhookEndpoints: Migration {
    let version = 21
    let name = "create webhook_endpoints; deliveries to endpoints"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.create(table: "webhook_endpoints")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("token_id", type: .text, .notNull)
            .column("name", type: .text, .notNull)
            .column("url", type: .text, .notNull)
            // `,video.completed,video.failed,`: a type is subscribed when `,<type>,` is in it.
            .column("event_types", type: .text, .notNull)
            .column("signing_secret", type: .text, .notNull)
            .column("previous_secret", type: .text)
            .column("previous_secret_until", type: .bigint)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "webhook_endpoints_by_token").on("webhook_endpoints").column("token_id").column("created_at").run()
        try await sql.alter(table: "webhook_deliveries").column("endpoint_id", type: .text).run()
        try await sql.alter(table: "webhook_deliveries").column("event_id", type: .text).run()
    }
}
