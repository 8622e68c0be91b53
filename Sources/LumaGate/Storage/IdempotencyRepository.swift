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

    /// Records that `key` created `taskID`, replacing an expired use of it. Called in the
    /// transaction that stores the task, after `existingTask` found none.
    static func record(_ key: IdempotencyKey, tokenID: String, taskID: String, at millis: Int64, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM idempotency_keys WHERE token_id = \(bind: tokenID) AND key = \(bind: key.key)").run()
        try await sql.raw("""
            INSERT INTO idempotency_keys (token_id, key, request_hash, task_id, created_at)
            VALUES (\(bind: tokenID), \(bind: key.key), \(bind: key.requestHash), \(bind: taskID), \(bind: millis))
            """).run()
    }

    static func existingTask(for key: IdempotencyKey, tokenID: String, since: Int64, on sql: any SQLDatabase) async throws -> String? {
        guard let row = try await sql.raw("""
            SELECT request_hash, task_id FROM idempotency_keys
            WHERE token_id = \(bind: tokenID) AND key = \(bind: key.key) AND created_at >= \(bind: since)
            """).first() else { return nil }
        guard try row.decode(column: "request_hash", as: String.self) == key.requestHash else {
            throw IdempotencyKey.reusedWithAnotherRequest(key.key)
        }
        return try row.decode(column: "task_id", as: String.self)
    }
}
