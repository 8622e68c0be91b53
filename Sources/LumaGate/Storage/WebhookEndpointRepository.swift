import SQLKit

/// Webhook endpoints in SQL, and the outbox deliveries owed to them.
public struct WebhookEndpointRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    private static let columns = """
        id, token_id, name, url, event_types, signing_secret, previous_secret, previous_secret_until, created_at, updated_at
        """

    /// Stores `endpoint`, or refuses with a 400 when its token has `WebhookEndpoint.maxPerToken` already.
    public func create(_ endpoint: WebhookEndpoint) async throws {
        try await database.write { sql in
            try await sql.raw("SELECT id FROM tokens WHERE id = \(bind: endpoint.tokenID) \(unsafeRaw: sql.lockingSelectedRows)").run()
            let count =
                try await sql.raw("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE token_id = \(bind: endpoint.tokenID)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            guard count < WebhookEndpoint.maxPerToken else {
                throw GatewayError.invalidRequest(
                    "This token has \(count) webhook endpoints, the most it may have; delete one before creating another.")
            }
            try await insert(endpoint, on: sql)
        }
    }

    private func insert(_ endpoint: WebhookEndpoint, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO webhook_endpoints (\(unsafeRaw: Self.columns)) VALUES (
                \(bind: endpoint.id), \(bind: endpoint.tokenID), \(bind: endpoint.name), \(bind: endpoint.url),
                \(bind: Self.stored(endpoint.eventTypes)), \(bind: endpoint.signingSecret), \(bind: endpoint.previousSecret),
                \(bind: endpoint.previousSecretUntilMillis), \(bind: endpoint.createdAtMillis), \(bind: endpoint.updatedAtMillis))
            """
        ).run()
    }

    /// One of the token's endpoints; another token's is none.
    public func find(id: String, tokenID: String) async throws -> WebhookEndpoint? {
        try await database.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM webhook_endpoints WHERE id = \(bind: id) AND token_id = \(bind: tokenID)"
            ).first().map(Self.endpoint(from:))
        }
    }

    /// The token's endpoints, newest first, after the one `after` names.
    public func list(tokenID: String, after: WebhookEndpoint?, limit: Int) async throws -> [WebhookEndpoint] {
        try await database.read { sql in
            let cursor: SQLQueryString =
                after.map { "AND (created_at < \(bind: $0.createdAtMillis) OR (created_at = \(bind: $0.createdAtMillis) AND id < \(bind: $0.id)))" }
                ?? ""
            return try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.columns) FROM webhook_endpoints WHERE token_id = \(bind: tokenID) \(cursor)
                ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)
                """
            ).all().map(Self.endpoint(from:))
        }
    }

    /// Writes the endpoint's name, URL, types and secrets as they now are.
    public func update(_ endpoint: WebhookEndpoint) async throws {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE webhook_endpoints SET name = \(bind: endpoint.name), url = \(bind: endpoint.url),
                    event_types = \(bind: Self.stored(endpoint.eventTypes)), signing_secret = \(bind: endpoint.signingSecret),
                    previous_secret = \(bind: endpoint.previousSecret), previous_secret_until = \(bind: endpoint.previousSecretUntilMillis),
                    updated_at = \(bind: endpoint.updatedAtMillis)
                WHERE id = \(bind: endpoint.id) AND token_id = \(bind: endpoint.tokenID)
                """
            ).run()
        }
    }

    /// Deletes one of the token's endpoints, and what is still owed to it; false if there was none.
    public func delete(id: String, tokenID: String) async throws -> Bool {
        try await database.write { sql in
            let deleted = try await sql.raw(
                "DELETE FROM webhook_endpoints WHERE id = \(bind: id) AND token_id = \(bind: tokenID) RETURNING id"
            ).all()
            guard !deleted.isEmpty else { return false }
            try await sql.raw(
                """
                UPDATE webhook_deliveries SET next_attempt_at = NULL, leased_until = NULL, leased_by = NULL,
                    last_error = 'the webhook endpoint was deleted'
                WHERE endpoint_id = \(bind: id) AND next_attempt_at IS NOT NULL
                """
            ).run()
            return true
        }
    }

    /// Owes `event` (its id and JSON body) to each endpoint of `tokenID` subscribed to its type, in
    /// the transaction that changed the task.
    static func enqueue(
        _ event: (id: String, type: String, payload: String), taskID: String, tokenID: String, at millis: Int64, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO webhook_deliveries (task_id, url, payload, created_at, attempts, next_attempt_at, endpoint_id, event_id)
            SELECT \(bind: taskID), url, \(bind: event.payload), \(bind: millis), 0, \(bind: millis), id, \(bind: event.id)
            FROM webhook_endpoints WHERE token_id = \(bind: tokenID) AND event_types LIKE \(bind: "%,\(event.type),%")
            """
        ).run()
    }

    private static func stored(_ eventTypes: [String]) -> String {
        "," + eventTypes.joined(separator: ",") + ","
    }

    private static func endpoint(from row: any SQLRow) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.decode(column: "id", as: String.self),
            tokenID: try row.decode(column: "token_id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            url: try row.decode(column: "url", as: String.self),
            eventTypes: try row.decode(column: "event_types", as: String.self).split(separator: ",").map(String.init),
            signingSecret: try row.decode(column: "signing_secret", as: String.self),
            previousSecret: try row.decode(column: "previous_secret", as: String?.self),
            previousSecretUntilMillis: try row.decode(column: "previous_secret_until", as: Int64?.self),
            createdAtMillis: try row.decode(column: "created_at", as: Int64.self),
            updatedAtMillis: try row.decode(column: "updated_at", as: Int64.self))
    }
}
