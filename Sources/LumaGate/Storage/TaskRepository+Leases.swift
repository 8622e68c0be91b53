import SQLKit

/// The poller's bookkeeping: which process works on which task until when, and when each is due.
extension TaskRepository {
    /// Takes up to `limit` tasks that are due for work and not leased by a live worker, leasing
    /// them to `owner` until `leaseUntil`.
    ///
    /// This and the other writes of the poller's bookkeeping below (leases, next polls, the
    /// upstream's id) change no task's view, owner or deletion, so they skip the change feed.
    public func claimDue(now: Int64, limit: Int, owner: String, leaseUntil: Int64) async throws -> [VideoTask] {
        try await database.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE tasks SET leased_until = \(bind: leaseUntil), leased_by = \(bind: owner)
                WHERE id IN (
                    SELECT id FROM tasks
                    WHERE next_poll_at IS NOT NULL AND next_poll_at <= \(bind: now)
                      AND (leased_until IS NULL OR leased_until < \(bind: now))
                    ORDER BY next_poll_at LIMIT \(bind: limit) \(unsafeRaw: sql.skippingLockedRows))
                RETURNING \(unsafeRaw: Self.columns)
                """
            ).all().map(Self.task(from:))
        }
    }

    /// Extends `owner`'s lease on a task; false when the lease is no longer `owner`'s (it ran out
    /// and another process claimed the task).
    public func renewLease(id: String, owner: String, until leaseUntil: Int64) async throws -> Bool {
        try await database.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE tasks SET leased_until = \(bind: leaseUntil) WHERE id = \(bind: id) AND leased_by = \(bind: owner) RETURNING id
                """
            ).first() != nil
        }
    }

    /// Gives a claimed task back without changing its state, due again at `nextPollAt`.
    public func reschedule(id: String, owner: String, nextPollAt: Int64) async throws {
        try await reschedule([(id, nextPollAt)], owner: owner)
    }

    /// Gives claimed tasks back without changing their state, each due again at its own time.
    public func reschedule(_ polls: [(id: String, nextPollAtMillis: Int64)], owner: String) async throws {
        guard !polls.isEmpty else { return }
        try await database.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE tasks SET next_poll_at = \(Self.byID(polls.map { ($0.id, $0.nextPollAtMillis) })), leased_until = NULL, leased_by = NULL
                WHERE id IN (\(SQLList(polls.map { SQLBind($0.id) }))) AND leased_by = \(bind: owner) AND next_poll_at IS NOT NULL
                """
            ).run()
        }
    }

    /// Records that `channel`'s upstream accepted a claimed task, and frees it until `nextPollAt`.
    public func recordSubmission(id: String, owner: String, upstreamID: String, channel: String, nextPollAt: Int64) async throws {
        let upstreamID = Self.storable(upstreamID)
        return try await database.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE tasks SET upstream_id = \(bind: upstreamID), channel = \(bind: channel), next_poll_at = \(bind: nextPollAt),
                    leased_until = NULL, leased_by = NULL
                WHERE id = \(bind: id) AND leased_by = \(bind: owner) AND upstream_id IS NULL AND deleted_at IS NULL
                """
            ).run()
        }
    }

    /// Frees every lease. Only for the embedded store, which one process owns: at start, a lease
    /// can only be a leftover of this process's previous life.
    public func releaseAllLeases() async throws {
        try await database.write(changesCachedRows: false) { sql in
            try await sql.raw("UPDATE tasks SET leased_until = NULL, leased_by = NULL WHERE leased_until IS NOT NULL").run()
        }
    }
}
