import SQLKit

/// Upstream channels in SQL.
public struct ChannelRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Adds a channel; false when the name is taken.
    public func add(_ channel: ChannelRecord) async throws -> Bool {
        try await database.write { sql in
            guard try await sql.raw("SELECT name FROM channels WHERE name = \(bind: channel.name)").first() == nil else { return false }
            try await sql.raw("""
                INSERT INTO channels (name, kind, api_key, base_url, enabled, created_at)
                VALUES (\(bind: channel.name), \(bind: channel.kind.rawValue), \(bind: channel.apiKey), \(bind: channel.baseURL),
                        \(bind: channel.enabled ? 1 : 0), \(bind: channel.createdAtMillis))
                """).run()
            return true
        }
    }

    /// All channels, oldest first: the first enabled one takes new tasks.
    public func all() async throws -> [ChannelRecord] {
        try await database.read { sql in
            try await sql.raw("SELECT name, kind, api_key, base_url, enabled, created_at FROM channels ORDER BY created_at, name")
                .all().compactMap { row in
                    guard let kind = ChannelRecord.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
                    return ChannelRecord(
                        name: try row.decode(column: "name", as: String.self), kind: kind,
                        apiKey: try row.decode(column: "api_key", as: String.self),
                        baseURL: try row.decode(column: "base_url", as: String.self),
                        enabled: try row.decode(column: "enabled", as: Int.self) != 0,
                        createdAtMillis: try row.decode(column: "created_at", as: Int64.self))
                }
        }
    }

    /// Enables or disables a channel; false when there is none of that name.
    public func setEnabled(_ enabled: Bool, name: String) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw("UPDATE channels SET enabled = \(bind: enabled ? 1 : 0) WHERE name = \(bind: name) RETURNING name").first() != nil
        }
    }

    /// Removes a channel; false when there is none of that name.
    public func remove(name: String) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw("DELETE FROM channels WHERE name = \(bind: name) RETURNING name").first() != nil
        }
    }
}
