import SQLKit

/// Row locks for what several processes could race on. SQLite has one writer at a time, whose
/// transaction already excludes every other; PostgreSQL locks rows, so claims and checks say so.
extension SQLDatabase {
    private var locksRows: Bool { dialect.name == "postgresql" }

    /// Appended to a SELECT inside a write: the rows it read stay as read until the commit.
    var lockingSelectedRows: String { locksRows ? "FOR UPDATE" : "" }

    /// Appended to a claim's SELECT: rows another process is claiming are passed over, not waited
    /// for, so concurrent claims never take the same row and never queue behind each other.
    var skippingLockedRows: String { locksRows ? "FOR UPDATE SKIP LOCKED" : "" }

    /// Makes concurrent schema migrations from processes starting together take turns.
    func lockForMigration() async throws {
        if locksRows { try await raw("SELECT pg_advisory_xact_lock(7306105)").run() }
    }
}
