import SQLKit

/// A secret a client gave with its webhook, sent back as is in a header of every delivery
/// (PiAPI's `x-webhook-secret`), beside the gateway's own signature.
struct M0024_AddWebhookSharedSecrets: Migration {
    let version = 24
    let name = "add webhook_deliveries.shared_secret"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "webhook_deliveries").column("shared_secret", type: .text).run()
    }
}
