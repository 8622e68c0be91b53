import SQLKit

/// Kept counts on PostgreSQL too, without a row every writer updates: the store's triggers
/// *append* each change of a task's owner, state or deletion (and each ledger entry) to
/// `task_count_deltas` and `ledger_total_deltas`, which no two writers contend for, and
/// `KeptCountsFolder` folds them into `task_counts` and `ledger_totals` every second (one process
/// at a time). Readers add the two, so a count is exact the moment its change commits.
/// (`M0015` updates the counts in place on SQLite, where writers take turns anyway.) Both stores
/// read through the views `kept_task_counts` and `kept_ledger_totals`.
struct M0017_KeepCountsByDeltas: Migration {
    let version = 17
    let name = "keep counts on PostgreSQL by appended deltas"

    func prepare(on sql: any SQLDatabase) async throws {
        guard sql.dialect.name == "postgresql" else {
            try await sql.raw("CREATE VIEW kept_task_counts AS SELECT token_id, state, deleted, n FROM task_counts").run()
            try await sql.raw("CREATE VIEW kept_ledger_totals AS SELECT token_id, kind, total FROM ledger_totals").run()
            return
        }
        try await sql.raw(
            """
            CREATE TABLE task_counts (token_id TEXT NOT NULL, state TEXT NOT NULL, deleted INTEGER NOT NULL, n BIGINT NOT NULL,
                                      PRIMARY KEY (token_id, state, deleted))
            """
        ).run()
        try await sql.raw("CREATE TABLE task_count_deltas (token_id TEXT NOT NULL, state TEXT NOT NULL, deleted INTEGER NOT NULL, n BIGINT NOT NULL)")
            .run()
        try await sql.raw(
            "CREATE TABLE ledger_totals (token_id TEXT NOT NULL, kind TEXT NOT NULL, total BIGINT NOT NULL, PRIMARY KEY (token_id, kind))"
        ).run()
        try await sql.raw("CREATE TABLE ledger_total_deltas (token_id TEXT NOT NULL, kind TEXT NOT NULL, total BIGINT NOT NULL)").run()

        // The triggers come before the first count: creating them locks writers out of `tasks`
        // and `ledger` until this migration commits, so no change falls between count and trigger.
        try await sql.raw(
            """
            CREATE FUNCTION lumagate_task_counted() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    INSERT INTO task_count_deltas VALUES (OLD.token_id, OLD.state, CASE WHEN OLD.deleted_at IS NULL THEN 0 ELSE 1 END, -1);
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    INSERT INTO task_count_deltas VALUES (NEW.token_id, NEW.state, CASE WHEN NEW.deleted_at IS NULL THEN 0 ELSE 1 END, 1);
                END IF;
                RETURN NULL;
            END
            $$ LANGUAGE plpgsql
            """
        ).run()
        try await sql.raw(
            """
            CREATE FUNCTION lumagate_ledger_booked() RETURNS trigger AS $$
            BEGIN INSERT INTO ledger_total_deltas VALUES (NEW.token_id, NEW.kind, NEW.amount); RETURN NULL; END
            $$ LANGUAGE plpgsql
            """
        ).run()
        try await sql.raw("CREATE TRIGGER tasks_counted AFTER INSERT OR DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION lumagate_task_counted()").run()
        try await sql.raw(
            """
            CREATE TRIGGER tasks_recounted AFTER UPDATE OF state, token_id, deleted_at ON tasks FOR EACH ROW
            WHEN (OLD.state <> NEW.state OR OLD.token_id <> NEW.token_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
            EXECUTE FUNCTION lumagate_task_counted()
            """
        ).run()
        try await sql.raw("CREATE TRIGGER ledger_booked AFTER INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION lumagate_ledger_booked()").run()

        try await sql.raw(
            """
            INSERT INTO task_counts (token_id, state, deleted, n)
            SELECT token_id, state, \(unsafeRaw: M0015_KeepCounts.deleted), COUNT(*) FROM tasks GROUP BY token_id, state, \(unsafeRaw: M0015_KeepCounts.deleted)
            """
        ).run()
        try await sql.raw("INSERT INTO ledger_totals (token_id, kind, total) SELECT token_id, kind, SUM(amount) FROM ledger GROUP BY token_id, kind")
            .run()

        try await sql.raw(
            """
            CREATE VIEW kept_task_counts AS
            SELECT token_id, state, deleted, n FROM task_counts UNION ALL SELECT token_id, state, deleted, n FROM task_count_deltas
            """
        ).run()
        try await sql.raw(
            """
            CREATE VIEW kept_ledger_totals AS
            SELECT token_id, kind, total FROM ledger_totals UNION ALL SELECT token_id, kind, total FROM ledger_total_deltas
            """
        ).run()
    }

    /// Moves the appended deltas into the kept rows, if no other process is doing so: one
    /// statement per table, so a reader sees each delta either still appended or already folded.
    static func fold(_ sql: any SQLDatabase) async throws {
        guard sql.dialect.name == "postgresql" else { return }
        let folding = try await sql.raw("SELECT pg_try_advisory_xact_lock(\(unsafeRaw: String(foldLock))) AS got").first()?.decode(
            column: "got", as: Bool.self)
        guard folding == true else { return }
        try await sql.raw(
            """
            WITH moved AS (DELETE FROM task_count_deltas RETURNING token_id, state, deleted, n)
            INSERT INTO task_counts (token_id, state, deleted, n)
            SELECT token_id, state, deleted, SUM(n) FROM moved GROUP BY token_id, state, deleted
            ON CONFLICT (token_id, state, deleted) DO UPDATE SET n = task_counts.n + EXCLUDED.n
            """
        ).run()
        try await sql.raw(
            """
            WITH moved AS (DELETE FROM ledger_total_deltas RETURNING token_id, kind, total)
            INSERT INTO ledger_totals (token_id, kind, total)
            SELECT token_id, kind, SUM(total) FROM moved GROUP BY token_id, kind
            ON CONFLICT (token_id, kind) DO UPDATE SET total = ledger_totals.total + EXCLUDED.total
            """
        ).run()
    }

    /// The advisory lock folders take turns on (any fixed number no other lock uses).
    private static let foldLock = 0x6C75_6D61_636F_756E
}
