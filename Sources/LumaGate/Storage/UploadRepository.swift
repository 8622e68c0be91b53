import SQLKit

/// Uploaded images in SQL; the bytes live in the media store.
public struct UploadRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    func insert(_ upload: Upload) async throws {
        try await database.write { sql in
            try await sql.raw("""
                INSERT INTO uploads (id, token_id, stored_path, created_at)
                VALUES (\(bind: upload.id), \(bind: upload.tokenID), \(bind: upload.storedPath), \(bind: upload.createdAtMillis))
                """).run()
        }
    }
}
