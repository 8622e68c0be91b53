import SQLKit

/// When a file was deleted: the Agents API soft-deletes, so a deleted file still reads (state
/// `deleted`, with this time) until its lifetime ends, while its bytes are gone at once.
struct M0023_AddUploadDeletion: Migration {
    let version = 23
    let name = "add uploads.deleted_at"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "uploads").column("deleted_at", type: .bigint).run()
    }
}
