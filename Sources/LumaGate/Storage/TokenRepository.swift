import SQLKit

/// Tokens in SQL. Only the SHA-256 of a secret is stored; the webhook signing secret is kept as
/// it is, since signing needs it.
public struct TokenRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    private static let columns = "id, name, created_at, revoked_at, quota, used, requests_per_minute, max_in_flight, is_admin"

    /// Inserts a token; false when its name is taken.
    func insert(_ token: APIToken, secretHash: String, signingSecret: String) async throws -> Bool {
        try await database.write { sql in
            let existing = try await sql.raw("SELECT id FROM tokens WHERE name = \(bind: token.name)").first()
            guard existing == nil else { return false }
            try await sql.raw(
                """
                INSERT INTO tokens (id, name, secret_hash, created_at, revoked_at, quota, used, requests_per_minute, max_in_flight, signing_secret,
                                    is_admin)
                VALUES (\(bind: token.id), \(bind: token.name), \(bind: secretHash), \(bind: token.createdAtMillis), NULL,
                        \(bind: token.quota), 0, \(bind: token.requestsPerMinute), \(bind: token.maxInFlight), \(bind: signingSecret),
                        \(bind: token.isAdmin ? 1 : 0))
                """
            ).run()
            return true
        }
    }

    /// Served from the query cache when it holds the token: every request looks its token up.
    func find(secretHash: String) async throws -> APIToken? {
        let cache = database.queryCache
        if let token = cache?.token(secretHash: secretHash) { return token }
        let ticket = cache?.ticket()
        let token = try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM tokens WHERE secret_hash = \(bind: secretHash)")
                .first().map(Self.token(from:))
        }
        if let cache, let ticket, let token { cache.keep(token, secretHash: secretHash, ticket: ticket) }
        return token
    }

    func find(idOrName: String) async throws -> APIToken? {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM tokens WHERE id = \(bind: idOrName) OR name = \(bind: idOrName)")
                .first().map(Self.token(from:))
        }
    }

    func all() async throws -> [APIToken] {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM tokens ORDER BY created_at, name")
                .all().map(Self.token(from:))
        }
    }

    func revoke(idOrName: String, at millis: Int64) async throws -> APIToken? {
        try await update(idOrName, "revoked_at = COALESCE(revoked_at, \(millis))")
    }

    func setQuota(idOrName: String, quota: Int64?) async throws -> APIToken? {
        try await update(idOrName, quota.map { "quota = \($0)" } ?? "quota = NULL")
    }

    func setLimits(idOrName: String, requestsPerMinute: Int?, maxInFlight: Int?) async throws -> APIToken? {
        try await update(
            idOrName,
            "requests_per_minute = \(requestsPerMinute.map(String.init) ?? "NULL"), "
                + "max_in_flight = \(maxInFlight.map(String.init) ?? "NULL")")
    }

    func setSigningSecret(idOrName: String, secret: String) async throws -> APIToken? {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE tokens SET signing_secret = \(bind: secret) WHERE id = \(bind: idOrName) OR name = \(bind: idOrName)
                RETURNING \(unsafeRaw: Self.columns)
                """
            ).first().map(Self.token(from:))
        }
    }

    func usage(of token: APIToken) async throws -> TokenUsage {
        let credits = try await LedgerRepository(database: database).totals(tokenID: token.id)
        return TokenUsage(
            token: token, charged: credits[.charge] ?? 0, refunded: credits[.refund] ?? 0,
            tasks: try await TaskRepository(database: database).countByState(tokenID: token.id))
    }

    /// `assignments` comes only from this type's own code with numbers formatted by Swift.
    private func update(_ idOrName: String, _ assignments: String) async throws -> APIToken? {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE tokens SET \(unsafeRaw: assignments) WHERE id = \(bind: idOrName) OR name = \(bind: idOrName)
                RETURNING \(unsafeRaw: Self.columns)
                """
            ).first().map(Self.token(from:))
        }
    }

    private static func token(from row: any SQLRow) throws -> APIToken {
        APIToken(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            createdAtMillis: try row.decode(column: "created_at", as: Int64.self),
            revokedAtMillis: try row.decode(column: "revoked_at", as: Int64?.self),
            quota: try row.decode(column: "quota", as: Int64?.self),
            used: try row.decode(column: "used", as: Int64.self),
            requestsPerMinute: try row.decode(column: "requests_per_minute", as: Int?.self),
            maxInFlight: try row.decode(column: "max_in_flight", as: Int?.self),
            isAdmin: try row.decode(column: "is_admin", as: Int.self) != 0
        )
    }
}
