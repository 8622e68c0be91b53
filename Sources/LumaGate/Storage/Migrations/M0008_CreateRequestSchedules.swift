import SQLKit

/// Each rate-limited token's request schedule, for gateways that share one store: processes behind
/// a load balancer hold a token to one limit between them, not one each.
struct M0008_CreateRequestSchedules: Migration {
    let version = 8
    let name = "create request_schedules"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.create(table: "request_schedules")
            .column("token_id", type: .text, .primaryKey(autoIncrement: false))
            .column("booked_until", type: .bigint, .notNull)
            .run()
    }
}
