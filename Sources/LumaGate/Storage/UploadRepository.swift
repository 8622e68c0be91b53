import Foundation
import SQLKit

/// Uploaded images (and the Agents API's files) in SQL; the bytes live in the media store.
public struct UploadRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns =
        "id, token_id, stored_path, created_at, state, mime_type, size_bytes, filename, purpose, user_id, expires_at, put_secret, deleted_at"

    func insert(_ upload: Upload) async throws {
        try await database.write { sql in
            try await sql.raw(
                """
                INSERT INTO uploads (\(unsafeRaw: Self.columns))
                VALUES (\(bind: upload.id), \(bind: upload.tokenID), \(bind: upload.storedPath), \(bind: upload.createdAtMillis),
                        \(bind: upload.state.rawValue), \(bind: upload.mimeType), \(bind: upload.sizeBytes), \(bind: upload.filename),
                        \(bind: upload.purpose), \(bind: upload.userID), \(bind: upload.expiresAtMillis), \(bind: upload.putSecret),
                        \(bind: upload.deletedAtMillis))
                """
            ).run()
        }
    }

    /// The stored path of `tokenID`'s upload `id`, when it is ready for use.
    func storedPath(id: String, tokenID: String) async throws -> String? {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT stored_path FROM uploads WHERE id = \(bind: id) AND token_id = \(bind: tokenID)
                AND (state IS NULL OR state = 'ready') AND stored_path <> ''
                """
            ).first()?.decode(column: "stored_path", as: String.self)
        }
    }

    /// `tokenID`'s upload `id`, or with no token the upload whatever its owner (a presigned PUT
    /// carries a secret instead).
    func find(id: String, tokenID: String?) async throws -> Upload? {
        try await database.read { sql in
            var query: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM uploads WHERE id = \(bind: id)"
            if let tokenID { query = query + " AND token_id = \(bind: tokenID)" }
            return try await sql.raw(query).first().map(Self.upload)
        }
    }

    /// `tokenID`'s uploads newest first, after the one at `cursor` (its time and id).
    func page(tokenID: String, after cursor: (createdAt: Int64, id: String)?, limit: Int, purpose: String?, state: String?) async throws -> [Upload] {
        try await database.read { sql in
            var query: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM uploads WHERE token_id = \(bind: tokenID)"
            if let cursor {
                query =
                    query + " AND (created_at < \(bind: cursor.createdAt) OR (created_at = \(bind: cursor.createdAt) AND id < \(bind: cursor.id)))"
            }
            if let purpose { query = query + " AND COALESCE(purpose, 'input') = \(bind: purpose)" }
            // Deleted files are listed only when asked for.
            query = query + " AND COALESCE(state, 'ready') \(unsafeRaw: state == nil ? "<>" : "=") \(bind: state ?? "deleted")"
            query = query + " ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)"
            return try await sql.raw(query).all().map(Self.upload)
        }
    }

    /// Records where a pending upload's bytes were stored; false when it is not pending, already
    /// has its bytes, or the secret is not its own.
    func attachBytes(id: String, secret: String, storedPath: String, sizeBytes: Int) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE uploads SET stored_path = \(bind: storedPath), size_bytes = \(bind: sizeBytes)
                WHERE id = \(bind: id) AND put_secret = \(bind: secret) AND state = 'pending' AND stored_path = ''
                RETURNING id
                """
            ).first() != nil
        }
    }

    /// Marks a pending upload whose bytes have arrived as ready; false otherwise.
    func complete(id: String, tokenID: String) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE uploads SET state = 'ready', put_secret = NULL
                WHERE id = \(bind: id) AND token_id = \(bind: tokenID) AND state = 'pending' AND stored_path <> ''
                RETURNING id
                """
            ).first() != nil
        }
    }

    /// Marks `tokenID`'s upload `id` deleted at `millis` and forgets its bytes; returns their
    /// stored path ("" if it had none, or was deleted before), or nil if there is no such upload.
    func delete(id: String, tokenID: String, at millis: Int64) async throws -> String? {
        try await database.write { sql in
            guard
                let path = try await sql.raw(
                    "SELECT stored_path FROM uploads WHERE id = \(bind: id) AND token_id = \(bind: tokenID) \(unsafeRaw: sql.lockingSelectedRows)"
                ).first()?.decode(column: "stored_path", as: String.self)
            else { return nil }
            try await sql.raw(
                """
                UPDATE uploads SET state = 'deleted', stored_path = '', put_secret = NULL, deleted_at = COALESCE(deleted_at, \(bind: millis))
                WHERE id = \(bind: id) AND token_id = \(bind: tokenID)
                """
            ).run()
            return path
        }
    }

    func count(tokenID: String) async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM uploads WHERE token_id = \(bind: tokenID) AND COALESCE(state, 'ready') <> 'deleted'")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Removes up to `limit` uploads made before `millis` or past their own expiry at `now`, and
    /// returns their stored paths.
    func removeExpired(before millis: Int64, now: Int64, limit: Int) async throws -> [String] {
        try await database.write { sql in
            try await sql.raw(
                """
                DELETE FROM uploads WHERE id IN (
                    SELECT id FROM uploads WHERE created_at < \(bind: millis) OR expires_at < \(bind: now) LIMIT \(bind: limit))
                RETURNING stored_path
                """
            ).all().map { try $0.decode(column: "stored_path", as: String.self) }.filter { !$0.isEmpty }
        }
    }

    private static func upload(_ row: any SQLRow) throws -> Upload {
        Upload(
            id: try row.decode(column: "id", as: String.self),
            tokenID: try row.decode(column: "token_id", as: String.self),
            storedPath: try row.decode(column: "stored_path", as: String.self),
            createdAtMillis: try row.decode(column: "created_at", as: Int64.self),
            state: Upload.State(rawValue: try row.decode(column: "state", as: String?.self) ?? "ready") ?? .ready,
            mimeType: try row.decode(column: "mime_type", as: String?.self),
            sizeBytes: try row.decode(column: "size_bytes", as: Int?.self),
            filename: try row.decode(column: "filename", as: String?.self),
            purpose: try row.decode(column: "purpose", as: String?.self),
            userID: try row.decode(column: "user_id", as: String?.self),
            expiresAtMillis: try row.decode(column: "expires_at", as: Int64?.self),
            putSecret: try row.decode(column: "put_secret", as: String?.self),
            deletedAtMillis: try row.decode(column: "deleted_at", as: Int64?.self))
    }
}
