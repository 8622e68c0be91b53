import SQLKit

/// Finished tasks whose media is past the retention time, and the mark that it is gone.
extension TaskRepository {
    /// Finished tasks still holding media that was made before `cutoff`, oldest first.
    public func holdingMedia(before cutoff: Int64, limit: Int) async throws -> [VideoTask] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.columns) FROM tasks
                WHERE state = 'completed' AND media_expired_at IS NULL AND deleted_at IS NULL AND updated_at < \(bind: cutoff)
                ORDER BY updated_at LIMIT \(bind: limit)
                """
            ).all().map(Self.task(from:))
        }
    }

    /// Records that `task`'s files are being deleted: its media becomes `expired(at:)` and its
    /// view is rendered again, before any file goes, so no answer ever names a deleted file
    /// without saying so. Returns the task as it now is; nil when it was deleted meanwhile.
    public func expireMedia(of task: VideoTask, at millis: Int64) async throws -> VideoTask? {
        guard let media = task.media else { return nil }
        let mediaJSON = try Self.encode(media.expired(at: millis))
        return try await database.write { sql in
            let updated = try await sql.raw(
                """
                UPDATE tasks SET media_json = \(bind: mediaJSON), media_expired_at = \(bind: millis)
                WHERE id = \(bind: task.id) AND state = 'completed' AND media_expired_at IS NULL AND deleted_at IS NULL
                RETURNING \(unsafeRaw: Self.columns)
                """
            ).first().map(Self.task(from:))
            guard let updated else { return nil }
            try await sql.raw("UPDATE tasks SET luma_view = \(bind: renderers.storedView(updated)) WHERE id = \(bind: task.id)").run()
            return updated
        }
    }
}
