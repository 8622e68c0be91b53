import SQLKit

/// The ledger in SQL. Charges and refunds are written only inside the transactions that store a
/// task and fail it, each with the matching change to the token's `used` credits.
public struct LedgerRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Charges `task.price` to its token if the quota allows it, in one conditional update; false
    /// when it does not (and nothing was charged).
    static func charge(_ task: VideoTask, at millis: Int64, on sql: any SQLDatabase) async throws -> Bool {
        guard task.price > 0 else { return true }
        guard try await sql.raw(paying(task)).first() != nil else { return false }
        try await record(chargeEntry(for: task, at: millis), on: sql)
        return true
    }

    /// A query returning the token's id when it pays `task.price` (charging it, if the quota
    /// allows), and no row when it cannot. A revoked token pays for nothing: the token's own row
    /// says so, whatever a cache in front of it still holds, so no paid work starts after a
    /// revocation commits.
    static func paying(_ task: VideoTask) -> SQLQueryString {
        guard task.price > 0 else { return "SELECT id FROM tokens WHERE id = \(bind: task.tokenID) AND revoked_at IS NULL" }
        return """
            UPDATE tokens SET used = used + \(bind: task.price)
            WHERE id = \(bind: task.tokenID) AND revoked_at IS NULL AND (quota IS NULL OR used + \(bind: task.price) <= quota)
            RETURNING id
            """
    }

    /// Why `paying` returned no row: the token was revoked (a 403, as the auth check answers), or
    /// its quota cannot pay (a 402).
    static func refusal(of task: VideoTask, on sql: any SQLDatabase) async throws -> GatewayError {
        let revoked =
            try await sql.raw("SELECT revoked_at FROM tokens WHERE id = \(bind: task.tokenID)").first()
            .map { try $0.decode(column: "revoked_at", as: Int64?.self) != nil } ?? true
        if revoked { return .tokenRevoked }
        return .insufficientQuota(
            "This task costs \(task.price) credits, more than this token has left; ask the gateway operator to raise its quota.")
    }

    /// The charge's ledger entry for `task`, as an INSERT taking the token's id from `source` (a
    /// query of the statement it is part of that returns the id when the token paid).
    static func insertingChargeEntry(_ task: VideoTask, at millis: Int64, from source: String) -> SQLQueryString {
        let entry = chargeEntry(for: task, at: millis)
        return """
            INSERT INTO ledger (token_id, task_id, kind, amount, at, reason)
            SELECT id, \(bind: entry.taskID), \(bind: entry.kind.rawValue), \(bind: entry.amount), \(bind: entry.atMillis), \(bind: entry.reason)
            FROM \(unsafeRaw: source)
            """
    }

    private static func chargeEntry(for task: VideoTask, at millis: Int64) -> LedgerEntry {
        LedgerEntry(tokenID: task.tokenID, taskID: task.id, kind: .charge, amount: task.price, atMillis: millis, reason: "task submitted")
    }

    /// Gives a failed task's price back. Called once per task, by the one transition to failed
    /// that wins its compare-and-set; the ledger's unique index refuses a second refund regardless.
    static func refund(_ task: VideoTask, reason: String, at millis: Int64, on sql: any SQLDatabase) async throws {
        guard task.price > 0 else { return }
        try await record(
            LedgerEntry(
                tokenID: task.tokenID, taskID: task.id, kind: .refund, amount: task.price, atMillis: millis,
                reason: reason), on: sql)
        try await sql.raw("UPDATE tokens SET used = used - \(bind: task.price) WHERE id = \(bind: task.tokenID)").run()
    }

    private static func record(_ entry: LedgerEntry, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO ledger (token_id, task_id, kind, amount, at, reason)
            VALUES (\(bind: entry.tokenID), \(bind: entry.taskID), \(bind: entry.kind.rawValue), \(bind: entry.amount),
                    \(bind: entry.atMillis), \(bind: entry.reason))
            """
        ).run()
    }

    /// Credits moved, by kind: one token's, or all tokens' together; read from the kept totals
    /// (`M0015_KeepCounts`, `M0017_KeepCountsByDeltas`).
    public func totals(tokenID: String? = nil) async throws -> [LedgerEntry.Kind: Int64] {
        try await database.read { sql in
            var totals: [LedgerEntry.Kind: Int64] = [:]
            let query = sql.select().column("kind").column(SQLRaw("CAST(SUM(total) AS BIGINT)"), as: "total").from("kept_ledger_totals").groupBy(
                "kind")
            if let tokenID { query.where("token_id", .equal, tokenID) }
            for row in try await query.all() {
                if let kind = LedgerEntry.Kind(rawValue: try row.decode(column: "kind", as: String.self)) {
                    totals[kind] = try row.decode(column: "total", as: Int64.self)
                }
            }
            return totals
        }
    }

    /// Every entry, oldest first (for audits and tests).
    public func entries() async throws -> [LedgerEntry] {
        try await database.read { sql in
            try await sql.raw("SELECT token_id, task_id, kind, amount, at, reason FROM ledger ORDER BY id").all().map { row in
                LedgerEntry(
                    tokenID: try row.decode(column: "token_id", as: String.self),
                    taskID: try row.decode(column: "task_id", as: String.self),
                    kind: LedgerEntry.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .charge,
                    amount: try row.decode(column: "amount", as: Int64.self),
                    atMillis: try row.decode(column: "at", as: Int64.self),
                    reason: try row.decode(column: "reason", as: String.self))
            }
        }
    }
}
