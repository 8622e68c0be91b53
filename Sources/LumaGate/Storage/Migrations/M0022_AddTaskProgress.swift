import SQLKit

/// How far a generation is, as its upstream reports it (a ComfyUI sampler's steps), from 0 to 1;
/// null where the upstream says nothing and faces estimate it from the time spent.
struct M0022_AddTaskProgress: Migration {
    let version = 22
    let name = "add tasks.progress"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "tasks").column("progress", type: .real).run()
    }
}
