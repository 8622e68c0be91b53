import SQLKit

/// The tasks each channel's upstream holds, counted whenever new tasks wait to be submitted: a
/// partial index of just those rows, so the count stays as cheap with a million finished tasks as
/// with none (SQLite's planner scanned the whole table for it).
struct M0009_IndexTasksAtUpstream: Migration {
    let version = 9
    let name = "index tasks_at_upstream"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            CREATE INDEX tasks_at_upstream ON tasks (channel) WHERE next_poll_at IS NOT NULL AND upstream_id IS NOT NULL
            """
        ).run()
    }
}
