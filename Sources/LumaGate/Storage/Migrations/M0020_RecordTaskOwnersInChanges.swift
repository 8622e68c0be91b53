import SQLKit

/// A task's change is recorded with its owner (`task:<id> <token id>`), so a stream of all of a
/// token's tasks is woken by its own tasks' changes alone; and the token's tasks are indexed by
/// their last change, so a stream resumed with `Last-Event-ID` reads only what changed since.
struct M0020_RecordTaskOwnersInChanges: Migration {
    let version = 20
    let name = "record each task change's owner; index tasks by owner and change"

    func prepare(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION lumagate_task_changed() RETURNS trigger AS $$
                BEGIN PERFORM pg_notify('lumagate_changes', 'task:' || OLD.id || ' ' || OLD.token_id); RETURN NULL; END
                $$ LANGUAGE plpgsql
                """
            ).run()
        } else {
            try await sql.raw("DROP TRIGGER tasks_view_changed").run()
            try await sql.raw("DROP TRIGGER tasks_removed").run()
            try await sql.raw(
                """
                CREATE TRIGGER tasks_view_changed AFTER UPDATE OF luma_view, token_id, deleted_at ON tasks
                BEGIN INSERT INTO cache_changes (key) VALUES ('task:' || OLD.id || ' ' || OLD.token_id); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER tasks_removed AFTER DELETE ON tasks
                BEGIN INSERT INTO cache_changes (key) VALUES ('task:' || OLD.id || ' ' || OLD.token_id); END
                """
            ).run()
        }
        try await sql.create(index: "tasks_by_owner_and_change").on("tasks").column("token_id").column("updated_at").column("id").run()
    }
}
