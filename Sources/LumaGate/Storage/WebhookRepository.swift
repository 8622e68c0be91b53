import Foundation
import SQLKit

/// The webhook outbox in SQL. Deliveries are written in the transaction that changes the task, so
/// a state change and the promise to announce it are never apart; a restart loses neither.
public struct WebhookRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    private static let columns = """
        d.id, d.task_id, d.url, d.payload, d.created_at, d.attempts, d.next_attempt_at, d.delivered_at, d.last_error,
        d.shared_secret, k.signing_secret, d.event_id, w.signing_secret AS endpoint_secret, w.previous_secret, w.previous_secret_until
        """
    /// Each delivery with its task's token, whose secret signs it, or the endpoint it is owed to,
    /// whose secrets sign it.
    private static let joined = """
        webhook_deliveries d JOIN tasks t ON t.id = d.task_id JOIN tokens k ON k.id = t.token_id
        LEFT JOIN webhook_endpoints w ON w.id = d.endpoint_id
        """

    static func enqueue(
        taskID: String, url: String, payload: String, sharedSecret: String? = nil, at millis: Int64, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO webhook_deliveries (task_id, url, payload, shared_secret, created_at, attempts, next_attempt_at)
            VALUES (\(bind: taskID), \(bind: url), \(bind: payload), \(bind: sharedSecret), \(bind: millis), 0, \(bind: millis))
            """
        ).run()
    }

    /// Drops what a deleted task still owed.
    static func cancelPending(taskID: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE webhook_deliveries SET next_attempt_at = NULL, leased_until = NULL, leased_by = NULL,
                last_error = 'the task was deleted'
            WHERE task_id = \(bind: taskID) AND next_attempt_at IS NOT NULL
            """
        ).run()
    }

    /// Leases up to `limit` due deliveries to `owner`. A delivery waits while an older one to the
    /// same URL for the same task is unfinished, so each receiver hears a task's changes in order.
    public func claimDue(now: Int64, limit: Int, owner: String, leaseUntil: Int64) async throws -> [WebhookDelivery] {
        try await database.write { sql in
            let ids = try await sql.raw(
                """
                SELECT d.id FROM webhook_deliveries d
                WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= \(bind: now)
                  AND (d.leased_until IS NULL OR d.leased_until < \(bind: now))
                  AND NOT EXISTS (
                    SELECT 1 FROM webhook_deliveries e
                    WHERE e.task_id = d.task_id AND e.url = d.url AND e.id < d.id AND e.next_attempt_at IS NOT NULL)
                ORDER BY d.next_attempt_at, d.id LIMIT \(bind: limit) \(unsafeRaw: sql.skippingLockedRows)
                """
            ).all().map { try $0.decode(column: "id", as: Int64.self) }
            guard !ids.isEmpty else { return [] }
            try await sql.update("webhook_deliveries")
                .set("leased_until", to: leaseUntil).set("leased_by", to: owner)
                .where("id", .in, ids)
                .run()
            return try await sql.select().column(SQLRaw(Self.columns)).from(SQLRaw(Self.joined))
                .where(SQLColumn("id", table: "d"), .in, SQLBind.group(ids)).orderBy(SQLColumn("id", table: "d"))
                .all().map(Self.delivery(from:))
        }
    }

    public func markDelivered(id: Int64, owner: String, at millis: Int64) async throws {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE webhook_deliveries SET delivered_at = \(bind: millis), next_attempt_at = NULL, attempts = attempts + 1,
                    last_error = NULL, leased_until = NULL, leased_by = NULL
                WHERE id = \(bind: id) AND leased_by = \(bind: owner)
                """
            ).run()
        }
    }

    /// Records a failed attempt; `retryAt` nil gives the delivery up.
    public func markFailed(id: Int64, owner: String, error: String, retryAt: Int64?) async throws {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = \(bind: error),
                    next_attempt_at = \(bind: retryAt), leased_until = NULL, leased_by = NULL
                WHERE id = \(bind: id) AND leased_by = \(bind: owner)
                """
            ).run()
        }
    }

    /// A task's deliveries, oldest first.
    public func deliveries(taskID: String) async throws -> [WebhookDelivery] {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.joined) WHERE d.task_id = \(bind: taskID) ORDER BY d.id")
                .all().map(Self.delivery(from:))
        }
    }

    /// Frees every lease (the embedded store at start: see `TaskRepository.releaseAllLeases`).
    public func releaseAllLeases() async throws {
        try await database.write { sql in
            try await sql.raw("UPDATE webhook_deliveries SET leased_until = NULL, leased_by = NULL WHERE leased_until IS NOT NULL").run()
        }
    }

    private static func delivery(from row: any SQLRow) throws -> WebhookDelivery {
        var endpointSecrets: [String] = []
        if let current = try row.decode(column: "endpoint_secret", as: String?.self) {
            endpointSecrets.append(current)
            if let previous = try row.decode(column: "previous_secret", as: String?.self),
                let until = try row.decode(column: "previous_secret_until", as: Int64?.self), Date().millis < until
            {
                endpointSecrets.append(previous)
            }
        }
        return WebhookDelivery(
            id: try row.decode(column: "id", as: Int64.self),
            taskID: try row.decode(column: "task_id", as: String.self),
            url: try row.decode(column: "url", as: String.self),
            payload: try row.decode(column: "payload", as: String.self),
            createdAtMillis: try row.decode(column: "created_at", as: Int64.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAtMillis: try row.decode(column: "next_attempt_at", as: Int64?.self),
            deliveredAtMillis: try row.decode(column: "delivered_at", as: Int64?.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            signingSecret: try row.decode(column: "signing_secret", as: String?.self),
            sharedSecret: try row.decode(column: "shared_secret", as: String?.self),
            eventID: try row.decode(column: "event_id", as: String?.self), endpointSecrets: endpointSecrets)
    }
}
