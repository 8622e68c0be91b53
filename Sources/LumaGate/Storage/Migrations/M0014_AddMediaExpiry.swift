import SQLKit

/// Media is forgotten after `--media-retention-days`: a task whose files were deleted records
/// when, and finished tasks still holding media are found by age without a scan.
struct M0014_AddMediaExpiry: Migration {
    let version = 14
    let name = "add tasks.media_expired_at"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "tasks").column("media_expired_at", type: .bigint).run()
        try await sql.raw(
            """
            CREATE INDEX tasks_holding_media ON tasks (updated_at) WHERE state = 'completed' AND media_expired_at IS NULL AND deleted_at IS NULL
            """
        ).run()
    }
}
