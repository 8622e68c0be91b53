import SQLKit

/// Idempotency keys in SQL: which task a token's key created, and from what request.
public struct IdempotencyRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The task created under `key` since `since`, if any; a 409 if that was another request.
    func existingTask(for key: IdempotencyKey, tokenID: String, since: Int64) async throws -> String? {
        try await database.read { sql in try await Self.existingTask(for: key, tokenID: tokenID, since: since, on: sql) }
    }

    /// What claiming a key found.
    enum Claim: Equatable {
        /// The key is this request's until its task is stored or its work fails.
        case claimed
        /// Another request with the same key and body holds it.
        case inProgress
    }

    /// Claims `key` for a request about to do its work (fetch its images, store its task). A claim
    /// older than `staleAfter` was left by a process that died mid-request and is taken over. A
    /// claim for another body is the conflict a reused key always is.
    func claim(_ key: IdempotencyKey, tokenID: String, at millis: Int64, staleAfter: Int64 = IdempotencyKey.claimLifetimeMillis) async throws -> Claim
    {
        try await database.write(changesCachedRows: false) { sql in
            let taken =
                try await sql.raw(
                    """
                    INSERT INTO idempotency_claims (token_id, key, request_hash, claimed_at)
                    VALUES (\(bind: tokenID), \(bind: key.key), \(bind: key.requestHash), \(bind: millis))
                    ON CONFLICT (token_id, key) DO UPDATE SET request_hash = excluded.request_hash, claimed_at = excluded.claimed_at
                    WHERE idempotency_claims.claimed_at < \(bind: millis - staleAfter)
                    RETURNING token_id
                    """
                ).first() != nil
            if taken { return .claimed }
            let held = try await sql.raw(
                """
                SELECT request_hash FROM idempotency_claims WHERE token_id = \(bind: tokenID) AND key = \(bind: key.key)
                """
            ).first()?.decode(column: "request_hash", as: String.self)
            if let held, held != key.requestHash { throw IdempotencyKey.reusedWithAnotherRequest(key.key) }
            return .inProgress
        }
    }

    /// Gives a claim up: its request failed, so a retry may do the work.
    func release(_ key: IdempotencyKey, tokenID: String) async throws {
        try await database.write(changesCachedRows: false) { sql in
            try await Self.release(key, tokenID: tokenID, on: sql)
        }
    }

    static func release(_ key: IdempotencyKey, tokenID: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM idempotency_claims WHERE token_id = \(bind: tokenID) AND key = \(bind: key.key)").run()
    }

    /// Records that `key` created `taskID`, replacing an expired use of it, and ends its claim.
    /// Called in the transaction that stores the task, after `existingTask` found none.
    static func record(_ key: IdempotencyKey, tokenID: String, taskID: String, at millis: Int64, on sql: any SQLDatabase) async throws {
        try await release(key, tokenID: tokenID, on: sql)
        try await sql.raw("DELETE FROM idempotency_keys WHERE token_id = \(bind: tokenID) AND key = \(bind: key.key)").run()
        try await sql.raw(
            """
            INSERT INTO idempotency_keys (token_id, key, request_hash, task_id, created_at)
            VALUES (\(bind: tokenID), \(bind: key.key), \(bind: key.requestHash), \(bind: taskID), \(bind: millis))
            """
        ).run()
    }

    static func existingTask(for key: IdempotencyKey, tokenID: String, since: Int64, on sql: any SQLDatabase) async throws -> String? {
        guard
            let row = try await sql.raw(
                """
                SELECT request_hash, task_id FROM idempotency_keys
                WHERE token_id = \(bind: tokenID) AND key = \(bind: key.key) AND created_at >= \(bind: since)
                """
            ).first()
        else { return nil }
        guard try row.decode(column: "request_hash", as: String.self) == key.requestHash else {
            throw IdempotencyKey.reusedWithAnotherRequest(key.key)
        }
        return try row.decode(column: "task_id", as: String.self)
    }
}
