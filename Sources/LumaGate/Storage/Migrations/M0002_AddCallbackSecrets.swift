import SQLKit

/// Each task gets a secret for the callback URL its upstream posts to.
struct M0002_AddCallbackSecrets: Migration {
    let version = 2
    let name = "add tasks.callback_secret"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "tasks").column("callback_secret", type: .text).run()
        try await sql.create(index: "tasks_by_callback_secret").on("tasks").column("callback_secret").run()
    }
}
