import SQLKit

/// The stored relay-format views the poll path answers with (see `StoredView`).
extension TaskRepository {
    /// The stored relay-format view of a task if `tokenID` owns it. This is the query path: an
    /// indexed read shared with whatever other queries arrive at the same moment.
    public func lumaView(id: String, ownedBy tokenID: String) async throws -> String? {
        let cache = database.queryCache
        if let kept = cache?.view(taskID: id) { return kept.tokenID == tokenID ? kept.view : nil }
        let ticket = cache?.ticket()
        guard let found = try await database.storedViews(ids: [id])[id] else { return nil }
        if let cache, let ticket { cache.keep(found, taskID: id, ticket: ticket) }
        return found.tokenID == tokenID ? found.view : nil
    }

    /// The stored relay-format views of the owner's tasks among `ids`, in the order asked;
    /// unknown and foreign ids are left out.
    public func lumaViews(ids: [String], ownedBy tokenID: String) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        let cache = database.queryCache
        var found = cache?.views(taskIDs: ids) ?? Array(repeating: nil, count: ids.count)
        let missing = zip(ids, found).compactMap { $1 == nil ? $0 : nil }
        if !missing.isEmpty {
            let ticket = cache?.ticket()
            let read = try await database.storedViews(ids: missing)
            for (id, row) in read {
                if let cache, let ticket { cache.keep(row, taskID: id, ticket: ticket) }
            }
            for index in found.indices where found[index] == nil { found[index] = read[ids[index]] }
        }
        return found.compactMap { $0?.tokenID == tokenID ? $0?.view : nil }
    }

    /// The stored relay-format views of the owner's tasks, newest first.
    public func listLumaViews(ownedBy tokenID: String, offset: Int, limit: Int) async throws -> [String] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT luma_view FROM tasks WHERE token_id = \(bind: tokenID) AND kind = 'video' AND deleted_at IS NULL
                ORDER BY created_at DESC, id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
                """
            ).all().map { try $0.decode(column: "luma_view", as: String.self) }
        }
    }
}

/// A task's stored relay-format view and when it last changed: what the token's stream sends.
public struct ChangedView: Sendable {
    public let id: String
    public let updatedAtMillis: Int64
    public let view: String
}

extension TaskRepository {
    /// The owner's video tasks among `ids` (when `tokenID` is nil, every task: the operator's
    /// view), not deleted, oldest change first.
    func changedViews(ids: [String], ownedBy tokenID: String?) async throws -> [ChangedView] {
        guard !ids.isEmpty else { return [] }
        let owned: SQLQueryString = tokenID.map { "AND token_id = \(bind: $0) AND kind = 'video'" } ?? ""
        return try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, updated_at, luma_view FROM tasks
                WHERE id IN (\(SQLList(ids.map { SQLBind($0) }))) \(owned) AND deleted_at IS NULL
                ORDER BY updated_at, id
                """
            ).all().map(Self.changedView)
        }
    }

    /// The owner's video tasks (not deleted) whose last change comes after `cursor` in the order
    /// (change, id), oldest first.
    func changedViews(ownedBy tokenID: String, after cursor: (millis: Int64, id: String), limit: Int) async throws -> [ChangedView] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, updated_at, luma_view FROM tasks
                WHERE token_id = \(bind: tokenID) AND (updated_at > \(bind: cursor.millis) OR (updated_at = \(bind: cursor.millis) AND id > \(bind: cursor.id)))
                AND kind = 'video' AND deleted_at IS NULL
                ORDER BY updated_at, id LIMIT \(bind: limit)
                """
            ).all().map(Self.changedView)
        }
    }

    private static func changedView(_ row: any SQLRow) throws -> ChangedView {
        ChangedView(
            id: try row.decode(column: "id", as: String.self), updatedAtMillis: try row.decode(column: "updated_at", as: Int64.self),
            view: try row.decode(column: "luma_view", as: String.self))
    }
}
