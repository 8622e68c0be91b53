import SQLKit

/// A request with an `Idempotency-Key` claims the key here before it fetches or stores anything,
/// so a concurrent duplicate from another process learns the key is in use (a 409) instead of
/// doing the same work again. The claim goes when the task is stored, or when the work fails.
struct M0019_CreateIdempotencyClaims: Migration {
    let version = 19
    let name = "create idempotency claims"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.create(table: "idempotency_claims")
            .column("token_id", type: .text, .notNull, .references("tokens", "id"))
            .column("key", type: .text, .notNull)
            .column("request_hash", type: .text, .notNull)
            .column("claimed_at", type: .bigint, .notNull)
            .primaryKey("token_id", "key")
            .run()
    }
}
