import SQLKit

extension TaskRepository {
    /// Makes an unfinished task due for a poll now: its upstream said something changed. A task
    /// leased by a poll in progress keeps its lease (that poll writes its next time).
    public func makeDue(id: String, now: Int64) async throws {
        try await database.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE tasks SET next_poll_at = \(bind: now)
                WHERE id = \(bind: id) AND next_poll_at > \(bind: now) AND deleted_at IS NULL
                """
            ).run()
        }
    }

    /// Records how far a processing task is (0 to 1), as its upstream reports it; only forward,
    /// so a late report never moves it back. Its face objects change, so its followers hear of it.
    /// Returns whether it moved.
    @discardableResult
    public func recordProgress(id: String, progress: Double, at millis: Int64) async throws -> Bool {
        let progress = min(max(progress, 0), 1)
        return try await database.writeStatement { sql in
            // `luma_view` is set to itself so the change feeds' triggers (on that column) fire.
            try await sql.raw(
                """
                UPDATE tasks SET progress = \(bind: progress), updated_at = \(bind: millis), luma_view = luma_view
                WHERE id = \(bind: id) AND state = 'processing' AND deleted_at IS NULL
                  AND (progress IS NULL OR progress < \(bind: progress))
                RETURNING id
                """
            ).first() != nil
        }
    }
}
