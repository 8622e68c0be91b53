import SQLKit

/// Uploads are counted per token (a token keeps a bounded number) and swept by age.
struct M0010_IndexUploads: Migration {
    let version = 10
    let name = "index uploads by token and age"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.create(index: "uploads_by_token").on("uploads").column("token_id").run()
        try await sql.create(index: "uploads_by_age").on("uploads").column("created_at").run()
    }
}
