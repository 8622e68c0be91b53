extension TaskService {
    /// One of the caller's tasks; another token's, or none, is the face's 404.
    public func task(id: String, tokenID: String) async throws -> VideoTask {
        guard let task = try await tasks.find(id: id, ownedBy: tokenID) else { throw GatewayError.taskNotFound(id) }
        return task
    }

    /// The state changes of one of the caller's tasks, oldest first.
    public func events(id: String, tokenID: String) async throws -> [TaskEvent] {
        try await tasks.events(taskID: task(id: id, tokenID: tokenID).id)
    }

    /// The caller's tasks among `ids` with their state changes (oldest first), in the order asked;
    /// ids it has no task by are left out.
    public func tasksWithEvents(ids: [String], tokenID: String) async throws -> [(task: VideoTask, events: [TaskEvent])] {
        try await tasks.findWithEvents(ids: ids, ownedBy: tokenID)
    }

    /// The stored relay-format view of one of the caller's tasks.
    public func lumaView(id: String, tokenID: String) async throws -> String {
        guard let view = try await tasks.lumaView(id: id, ownedBy: tokenID) else { throw GatewayError.taskNotFound(id) }
        return view
    }

    public func lumaViews(ids: [String], tokenID: String) async throws -> [String] {
        try await tasks.lumaViews(ids: ids, ownedBy: tokenID)
    }

    public func listLumaViews(tokenID: String, offset: Int, limit: Int) async throws -> [String] {
        try await tasks.listLumaViews(ownedBy: tokenID, offset: offset, limit: limit)
    }

    /// A cursor page of the owner's tasks (see `TaskRepository.page`).
    public func page(tokenID: String, after cursor: VideoTask?, ascending: Bool, limit: Int) async throws -> [VideoTask] {
        try await tasks.page(ownedBy: tokenID, after: cursor, ascending: ascending, limit: limit)
    }

    /// The owner's tasks of every kind, newest first.
    public func list(tokenID: String, offset: Int, limit: Int) async throws -> [VideoTask] {
        try await tasks.list(ownedBy: tokenID, offset: offset, limit: limit)
    }
}

extension TaskService {
    /// The owner's video tasks among `ids` (any owner's when nil), as its token stream sends them.
    func changedViews(ids: [String], tokenID: String?) async throws -> [ChangedView] {
        try await tasks.changedViews(ids: ids, ownedBy: tokenID)
    }

    /// The owner's video tasks that changed after `cursor`, oldest change first.
    func changedViews(ownedBy tokenID: String, after cursor: (millis: Int64, id: String), limit: Int) async throws -> [ChangedView] {
        try await tasks.changedViews(ownedBy: tokenID, after: cursor, limit: limit)
    }
}
