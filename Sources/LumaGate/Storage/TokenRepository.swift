import SQLKit

/// Tokens in SQL. Only the SHA-256 of a secret is stored.
public struct TokenRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Inserts a token; false when its name is taken.
    func insert(_ token: APIToken, secretHash: String) async throws -> Bool {
        try await database.write { sql in
            let existing = try await sql.raw("SELECT id FROM tokens WHERE name = \(bind: token.name)").first()
            guard existing == nil else { return false }
            try await sql.raw("""
                INSERT INTO tokens (id, name, secret_hash, created_at, revoked_at)
                VALUES (\(bind: token.id), \(bind: token.name), \(bind: secretHash), \(bind: token.createdAtMillis), NULL)
                """).run()
            return true
        }
    }

    func find(secretHash: String) async throws -> APIToken? {
        try await database.read { sql in
            try await sql.raw("SELECT id, name, created_at, revoked_at FROM tokens WHERE secret_hash = \(bind: secretHash)")
                .first().map(Self.token(from:))
        }
    }

    func all() async throws -> [APIToken] {
        try await database.read { sql in
            try await sql.raw("SELECT id, name, created_at, revoked_at FROM tokens ORDER BY created_at, name")
                .all().map(Self.token(from:))
        }
    }

    func revoke(idOrName: String, at millis: Int64) async throws -> APIToken? {
        try await database.write { sql in
            try await sql.raw("""
                UPDATE tokens SET revoked_at = COALESCE(revoked_at, \(bind: millis))
                WHERE id = \(bind: idOrName) OR name = \(bind: idOrName)
                RETURNING id, name, created_at, revoked_at
                """).first().map(Self.token(from:))
        }
    }

    private static func token(from row: any SQLRow) throws -> APIToken {
        APIToken(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            createdAtMillis: try row.decode(column: "created_at", as: Int64.self),
            revokedAtMillis: try row.decode(column: "revoked_at", as: Int64?.self)
        )
    }
}
