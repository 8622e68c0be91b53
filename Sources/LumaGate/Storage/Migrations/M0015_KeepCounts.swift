import SQLKit

/// `/metrics` and the admin totals read kept counts instead of counting every row: tasks by owner,
/// state and deletion in `task_counts`, credits by owner and kind in `ledger_totals`. The store's
/// own triggers keep them, so every writer (each process, the `lumagate` commands) is counted;
/// the rows are per token, so writers for different tokens never wait on one row.
struct M0015_KeepCounts: Migration {
    let version = 15
    let name = "keep task counts and ledger totals"

    static let deleted = "CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END"

    func prepare(on sql: any SQLDatabase) async throws {
        let postgres = sql.dialect.name == "postgresql"
        if postgres {
            // No write may slip between the counting below and the triggers that take over.
            try await sql.raw("LOCK TABLE tasks, ledger IN SHARE ROW EXCLUSIVE MODE").run()
        }
        try await sql.raw("""
            CREATE TABLE task_counts (token_id TEXT NOT NULL, state TEXT NOT NULL, deleted INTEGER NOT NULL, n BIGINT NOT NULL,
                                      PRIMARY KEY (token_id, state, deleted))
            """).run()
        try await sql.raw("""
            INSERT INTO task_counts (token_id, state, deleted, n)
            SELECT token_id, state, \(unsafeRaw: Self.deleted), COUNT(*) FROM tasks GROUP BY token_id, state, \(unsafeRaw: Self.deleted)
            """).run()
        try await sql.raw("""
            CREATE TABLE ledger_totals (token_id TEXT NOT NULL, kind TEXT NOT NULL, total BIGINT NOT NULL, PRIMARY KEY (token_id, kind))
            """).run()
        try await sql.raw("""
            INSERT INTO ledger_totals (token_id, kind, total) SELECT token_id, kind, SUM(amount) FROM ledger GROUP BY token_id, kind
            """).run()

        func counted(_ row: String) -> String {
            """
            INSERT INTO task_counts (token_id, state, deleted, n)
            VALUES (\(row).token_id, \(row).state, CASE WHEN \(row).deleted_at IS NULL THEN 0 ELSE 1 END, 1)
            ON CONFLICT (token_id, state, deleted) DO UPDATE SET n = task_counts.n + 1;
            """
        }
        let uncounted = """
            UPDATE task_counts SET n = n - 1
            WHERE token_id = OLD.token_id AND state = OLD.state AND deleted = CASE WHEN OLD.deleted_at IS NULL THEN 0 ELSE 1 END;
            """
        let moved = """
            OLD.state <> NEW.state OR OLD.token_id <> NEW.token_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
            """
        let booked = """
            INSERT INTO ledger_totals (token_id, kind, total) VALUES (NEW.token_id, NEW.kind, NEW.amount)
            ON CONFLICT (token_id, kind) DO UPDATE SET total = ledger_totals.total + NEW.amount;
            """
        if postgres {
            try await sql.raw("""
                CREATE FUNCTION lumagate_count_task() RETURNS trigger AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN \(unsafeRaw: uncounted) END IF;
                    IF TG_OP <> 'DELETE' THEN \(unsafeRaw: counted("NEW")) END IF;
                    RETURN NULL;
                END
                $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER tasks_counted AFTER INSERT OR DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION lumagate_count_task()").run()
            try await sql.raw("""
                CREATE TRIGGER tasks_recounted AFTER UPDATE OF state, token_id, deleted_at ON tasks FOR EACH ROW
                WHEN (\(unsafeRaw: moved)) EXECUTE FUNCTION lumagate_count_task()
                """).run()
            try await sql.raw("""
                CREATE FUNCTION lumagate_book_ledger() RETURNS trigger AS $$ BEGIN \(unsafeRaw: booked) RETURN NULL; END $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER ledger_booked AFTER INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION lumagate_book_ledger()").run()
        } else {
            try await sql.raw("CREATE TRIGGER tasks_counted AFTER INSERT ON tasks BEGIN \(unsafeRaw: counted("NEW")) END").run()
            try await sql.raw("""
                CREATE TRIGGER tasks_recounted AFTER UPDATE OF state, token_id, deleted_at ON tasks WHEN \(unsafeRaw: moved)
                BEGIN \(unsafeRaw: uncounted) \(unsafeRaw: counted("NEW")) END
                """).run()
            try await sql.raw("CREATE TRIGGER tasks_uncounted AFTER DELETE ON tasks BEGIN \(unsafeRaw: uncounted) END").run()
            try await sql.raw("CREATE TRIGGER ledger_booked AFTER INSERT ON ledger BEGIN \(unsafeRaw: booked) END").run()
        }
    }
}
