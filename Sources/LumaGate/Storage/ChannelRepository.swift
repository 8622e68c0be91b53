import SQLKit

/// Upstream channels in SQL.
public struct ChannelRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    private static let columns =
        "name, kind, api_key, base_url, enabled, created_at, priority, weight, models, max_in_flight, disabled_reason, keep_outputs"

    /// Adds a channel; false when the name is taken.
    public func add(_ channel: ChannelRecord) async throws -> Bool {
        try await database.write { sql in
            guard try await sql.raw("SELECT name FROM channels WHERE name = \(bind: channel.name)").first() == nil else { return false }
            try await sql.raw(
                """
                INSERT INTO channels (\(unsafeRaw: Self.columns))
                VALUES (\(bind: channel.name), \(bind: channel.kind.rawValue), \(bind: channel.apiKey), \(bind: channel.baseURL),
                        \(bind: channel.enabled ? 1 : 0), \(bind: channel.createdAtMillis), \(bind: channel.priority), \(bind: channel.weight),
                        \(bind: channel.models.joined(separator: ",")), \(bind: channel.maxInFlight), \(bind: channel.disabledReason),
                        \(bind: channel.keepOutputs ? 1 : 0))
                """
            ).run()
            return true
        }
    }

    /// All channels, by priority (highest first), then oldest first.
    public func all() async throws -> [ChannelRecord] {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM channels ORDER BY priority DESC, created_at, name")
                .all().compactMap { row in
                    let kind = ChannelRecord.Kind(rawValue: try row.decode(column: "kind", as: String.self))
                    guard kind.definition != nil else { return nil }
                    return ChannelRecord(
                        name: try row.decode(column: "name", as: String.self), kind: kind,
                        apiKey: try row.decode(column: "api_key", as: String.self),
                        baseURL: try row.decode(column: "base_url", as: String.self),
                        enabled: try row.decode(column: "enabled", as: Int.self) != 0,
                        createdAtMillis: try row.decode(column: "created_at", as: Int64.self),
                        priority: try row.decode(column: "priority", as: Int.self),
                        weight: try row.decode(column: "weight", as: Int.self),
                        models: try row.decode(column: "models", as: String.self).split(separator: ",").map(String.init),
                        maxInFlight: try row.decode(column: "max_in_flight", as: Int?.self),
                        disabledReason: try row.decode(column: "disabled_reason", as: String?.self),
                        keepOutputs: try row.decode(column: "keep_outputs", as: Int?.self) == 1)
                }
        }
    }

    /// Changes a channel's routing; false when there is none of that name.
    public func setRoute(_ route: ChannelRoute, name: String) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE channels SET priority = \(bind: route.priority), weight = \(bind: route.weight),
                    models = \(bind: route.models.joined(separator: ",")), max_in_flight = \(bind: route.maxInFlight)
                WHERE name = \(bind: name) RETURNING name
                """
            ).first() != nil
        }
    }

    /// Enables or disables a channel (with the reason, when the gateway disables it itself);
    /// false when there is none of that name.
    public func setEnabled(_ enabled: Bool, name: String, reason: String? = nil) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE channels SET enabled = \(bind: enabled ? 1 : 0), disabled_reason = \(bind: enabled ? nil : reason)
                WHERE name = \(bind: name) RETURNING name
                """
            ).first() != nil
        }
    }

    /// Removes a channel; false when there is none of that name.
    public func remove(name: String) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw("DELETE FROM channels WHERE name = \(bind: name) RETURNING name").first() != nil
        }
    }
}
