import SQLKit

/// Uploads become the Agents API's files too: what the client declared (type, size, name,
/// purpose, end user), a state (pending until a presigned upload's bytes arrive and it is
/// completed; NULL is ready), an expiry the client may shorten, and the presigned URL's secret.
struct M0011_AddUploadFileDetails: Migration {
    let version = 11
    let name = "add uploads' file details"

    func prepare(on sql: any SQLDatabase) async throws {
        let columns: [(String, SQLDataType)] = [
            ("mime_type", .text), ("size_bytes", .bigint), ("filename", .text), ("purpose", .text), ("user_id", .text),
            ("state", .text), ("expires_at", .bigint), ("put_secret", .text),
        ]
        for (column, type) in columns {
            try await sql.alter(table: "uploads").column(column, type: type).run()
        }
        try await sql.create(index: "uploads_by_expiry").on("uploads").column("expires_at").run()
    }
}
