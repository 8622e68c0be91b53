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

    /// The stored path of `tokenID`'s upload `id`.
    func storedPath(id: String, tokenID: String) async throws -> String? {
        try await database.read { sql in
            try await sql.raw("SELECT stored_path FROM uploads WHERE id = \(bind: id) AND token_id = \(bind: tokenID)")
                .first()?.decode(column: "stored_path", as: String.self)
        }
    }

    func count(tokenID: String) async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM uploads WHERE token_id = \(bind: tokenID)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Removes up to `limit` uploads made before `millis` and returns their stored paths.
    func removeExpired(before millis: Int64, limit: Int) async throws -> [String] {
        try await database.write { sql in
            try await sql.raw("""
                DELETE FROM uploads WHERE id IN (SELECT id FROM uploads WHERE created_at < \(bind: millis) LIMIT \(bind: limit))
                RETURNING stored_path
                """).all().map { try $0.decode(column: "stored_path", as: String.self) }
        }
    }
}
