import SQLKit

/// A token's kept entry in the query cache is forgotten when its row changes (`M0013`), but not
/// any more when only `used` does: that column moves with every charge and refund, so each submit
/// made every process forget its token and read it again at the next request, and on PostgreSQL
/// sent a notification to each. Nothing on the request path reads `used` from the cache (the
/// charge checks the quota in SQL; `GET /dream-machine/v1/credits` reads the row).
/// A column added to `tokens` later needs a migration that makes the trigger again with it.
struct M0018_TokenChangesWithoutSpending: Migration {
    let version = 18
    let name = "record token changes other than spending"

    static let watched = "name, secret_hash, created_at, revoked_at, quota, requests_per_minute, max_in_flight, signing_secret, is_admin"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.raw("DROP TRIGGER tokens_changed\(unsafeRaw: sql.dialect.name == "postgresql" ? " ON tokens" : "")").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                CREATE TRIGGER tokens_changed AFTER UPDATE OF \(unsafeRaw: Self.watched) OR DELETE ON tokens
                FOR EACH ROW EXECUTE FUNCTION lumagate_token_changed()
                """
            ).run()
        } else {
            // SQLite's deletions have their own trigger (`tokens_removed`).
            try await sql.raw(
                """
                CREATE TRIGGER tokens_changed AFTER UPDATE OF \(unsafeRaw: Self.watched) ON tokens
                BEGIN INSERT INTO cache_changes (key) VALUES ('token:' || OLD.secret_hash); END
                """
            ).run()
        }
    }
}
