import SQLKit

/// How many tasks there are by channel and state, for routing, metrics and usage.
extension TaskRepository {
    /// Unfinished tasks each channel's upstream holds (submitted and not final), from the partial index
    /// `tasks_at_upstream` (its WHERE must stay the index's).
    public func countAtUpstreamByChannel() async throws -> [String: Int] {
        try await database.read { sql in
            var counts: [String: Int] = [:]
            for row in try await sql.raw(
                """
                SELECT channel, COUNT(*) AS n FROM tasks
                WHERE next_poll_at IS NOT NULL AND upstream_id IS NOT NULL GROUP BY channel
                """
            ).all() {
                counts[try row.decode(column: "channel", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    /// Tasks by state, deleted ones included: one token's, or all of them; read from the kept
    /// counts (`M0015_KeepCounts`, `M0017_KeepCountsByDeltas`).
    public func countByState(tokenID: String? = nil) async throws -> [TaskState: Int] {
        try await database.read { sql in
            var counts: [TaskState: Int] = [:]
            let query = sql.select().column("state").column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "n").from("kept_task_counts").groupBy("state")
            if let tokenID { query.where("token_id", .equal, tokenID) }
            for row in try await query.all() {
                let n = try row.decode(column: "n", as: Int.self)
                // A kept row whose tasks all moved on stays, at zero.
                if n > 0, let state = TaskState(rawValue: try row.decode(column: "state", as: String.self)) {
                    counts[state] = n
                }
            }
            return counts
        }
    }

    public func countInFlight() async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM tasks WHERE next_poll_at IS NOT NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
