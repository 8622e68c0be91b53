import SQLKit

/// On SQLite, `/metrics` and the admin totals read kept counts instead of counting every row:
/// tasks by owner, state and deletion in `task_counts`, credits by owner and kind in
/// `ledger_totals`. The store's own triggers keep them, so every writer (the gateway, the
/// `lumagate` commands) is counted. Not on PostgreSQL: there every transition of a token's task
/// would hold that token's count rows until it commits, and many processes moving one busy
/// token's tasks at once queued behind them (seen in the three-process run); PostgreSQL keeps
/// them by appended deltas instead (`M0017_KeepCountsByDeltas`).
struct M0015_KeepCounts: Migration {
    let version = 15
    let name = "keep task counts and ledger totals"

    static let deleted = "CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END"

    func prepare(on sql: any SQLDatabase) async throws {
        guard sql.dialect.name != "postgresql" else { return }
        try await sql.raw(
            """
            CREATE TABLE task_counts (token_id TEXT NOT NULL, state TEXT NOT NULL, deleted INTEGER NOT NULL, n BIGINT NOT NULL,
                                      PRIMARY KEY (token_id, state, deleted))
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO task_counts (token_id, state, deleted, n)
            SELECT token_id, state, \(unsafeRaw: Self.deleted), COUNT(*) FROM tasks GROUP BY token_id, state, \(unsafeRaw: Self.deleted)
            """
        ).run()
        try await sql.raw(
            """
            CREATE TABLE ledger_totals (token_id TEXT NOT NULL, kind TEXT NOT NULL, total BIGINT NOT NULL, PRIMARY KEY (token_id, kind))
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO ledger_totals (token_id, kind, total) SELECT token_id, kind, SUM(amount) FROM ledger GROUP BY token_id, kind
            """
        ).run()

        let counted = """
            INSERT INTO task_counts (token_id, state, deleted, n)
            VALUES (NEW.token_id, NEW.state, CASE WHEN NEW.deleted_at IS NULL THEN 0 ELSE 1 END, 1)
            ON CONFLICT (token_id, state, deleted) DO UPDATE SET n = task_counts.n + 1;
            """
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
        try await sql.raw("CREATE TRIGGER tasks_counted AFTER INSERT ON tasks BEGIN \(unsafeRaw: counted) END").run()
        try await sql.raw(
            """
            CREATE TRIGGER tasks_recounted AFTER UPDATE OF state, token_id, deleted_at ON tasks WHEN \(unsafeRaw: moved)
            BEGIN \(unsafeRaw: uncounted) \(unsafeRaw: counted) END
            """
        ).run()
        try await sql.raw("CREATE TRIGGER tasks_uncounted AFTER DELETE ON tasks BEGIN \(unsafeRaw: uncounted) END").run()
        try await sql.raw("CREATE TRIGGER ledger_booked AFTER INSERT ON ledger BEGIN \(unsafeRaw: booked) END").run()
    }
}
