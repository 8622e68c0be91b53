import SQLKit

/// Every change of a task's relay view (or its owner, or its deletion) and of a token row is
/// recorded by the store itself, whichever process or command made it, so each gateway's query
/// cache can forget what changed. SQLite appends to `cache_changes` (read by `SQLiteChangeFeed`);
/// PostgreSQL sends a notification on `lumagate_changes` (heard by `PostgresChangeFeed`).
struct M0013_RecordViewAndTokenChanges: Migration {
    let version = 13
    let name = "record view and token changes"

    func prepare(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                CREATE FUNCTION lumagate_task_changed() RETURNS trigger AS $$
                BEGIN PERFORM pg_notify('lumagate_changes', 'task:' || OLD.id); RETURN NULL; END
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE FUNCTION lumagate_token_changed() RETURNS trigger AS $$
                BEGIN PERFORM pg_notify('lumagate_changes', 'token:' || OLD.secret_hash); RETURN NULL; END
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER tasks_view_changed AFTER UPDATE OF luma_view, token_id, deleted_at OR DELETE ON tasks
                FOR EACH ROW EXECUTE FUNCTION lumagate_task_changed()
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER tokens_changed AFTER UPDATE OR DELETE ON tokens FOR EACH ROW EXECUTE FUNCTION lumagate_token_changed()
                """
            ).run()
        } else {
            try await sql.raw("CREATE TABLE cache_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL)").run()
            try await sql.raw(
                """
                CREATE TRIGGER tasks_view_changed AFTER UPDATE OF luma_view, token_id, deleted_at ON tasks
                BEGIN INSERT INTO cache_changes (key) VALUES ('task:' || OLD.id); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER tasks_removed AFTER DELETE ON tasks BEGIN INSERT INTO cache_changes (key) VALUES ('task:' || OLD.id); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER tokens_changed AFTER UPDATE ON tokens BEGIN INSERT INTO cache_changes (key) VALUES ('token:' || OLD.secret_hash); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER tokens_removed AFTER DELETE ON tokens BEGIN INSERT INTO cache_changes (key) VALUES ('token:' || OLD.secret_hash); END
                """
            ).run()
        }
    }
}
