import SQLKit

/// Routing for channels: priority, weight, the models each serves, a cap on tasks in flight, and
/// why the gateway disabled one.
struct M0006_AddChannelRouting: Migration {
    let version = 6
    let name = "add channel routing"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "channels").column("priority", type: .bigint, .notNull, .default(0)).run()
        try await sql.alter(table: "channels").column("weight", type: .bigint, .notNull, .default(1)).run()
        try await sql.alter(table: "channels").column("models", type: .text, .notNull, .default("")).run()
        try await sql.alter(table: "channels").column("max_in_flight", type: .bigint).run()
        try await sql.alter(table: "channels").column("disabled_reason", type: .text).run()
    }
}
