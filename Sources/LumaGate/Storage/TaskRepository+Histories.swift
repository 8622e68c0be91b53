import SQLKit

/// Tasks read with their state changes, for the faces that show when a task started and ended.
extension TaskRepository {
    /// The owner's live tasks among `ids` with their state changes (oldest first), in the order
    /// asked; unknown, foreign and deleted ids are left out. Two statements whatever the count.
    public func findWithEvents(ids: [String], ownedBy tokenID: String) async throws -> [(task: VideoTask, events: [TaskEvent])] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { sql in
            let tasks = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.columns) FROM tasks
                WHERE id IN (\(SQLList(ids.map { SQLBind($0) }))) AND token_id = \(bind: tokenID) AND deleted_at IS NULL
                """
            ).all().map(Self.task(from:))
            guard !tasks.isEmpty else { return [] }
            let events = try await sql.raw(
                """
                SELECT task_id, from_state, to_state, reason, at FROM task_events
                WHERE task_id IN (\(SQLList(tasks.map { SQLBind($0.id) }))) ORDER BY id
                """
            ).all().map(Self.event(from:))
            let byTask = Dictionary(grouping: events, by: \.taskID)
            let byID = Dictionary(tasks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return ids.compactMap { id in byID[id].map { ($0, byTask[id] ?? []) } }
        }
    }

    static func event(from row: any SQLRow) throws -> TaskEvent {
        TaskEvent(
            taskID: try row.decode(column: "task_id", as: String.self),
            fromState: try row.decode(column: "from_state", as: String?.self).flatMap(TaskState.init(rawValue:)),
            toState: TaskState(rawValue: try row.decode(column: "to_state", as: String.self)) ?? .failed,
            reason: try row.decode(column: "reason", as: String.self),
            atMillis: try row.decode(column: "at", as: Int64.self))
    }
}
