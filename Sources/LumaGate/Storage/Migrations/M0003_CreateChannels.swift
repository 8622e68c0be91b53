import SQLKit

/// Upstream channels as data, managed with `lumagate channel`.
struct M0003_CreateChannels: Migration {
    let version = 3
    let name = "create channels"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.create(table: "channels")
            .column("name", type: .text, .primaryKey(autoIncrement: false))
            .column("kind", type: .text, .notNull)
            .column("api_key", type: .text, .notNull)
            .column("base_url", type: .text, .notNull)
            .column("enabled", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
    }
}
