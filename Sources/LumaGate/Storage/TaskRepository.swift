import Foundation
import SQLKit

/// Tasks and their events in SQL. Every state change is a compare-and-set on the current state,
/// written in the same transaction as its event row; only the caller whose update matched a row
/// may act on the change.
public struct TaskRepository: Sendable {
    let database: Database
    /// Renders the view stored with each task version and its webhooks' payloads.
    let renderers: TaskRenderers

    public init(database: Database, renderers: TaskRenderers = .faces) {
        self.database = database
        self.renderers = renderers
    }

    static let columns = """
        id, token_id, state, channel, upstream_id, parent_id, request_json, media_json,
        failure_reason, created_at, updated_at, next_poll_at, callback_secret, price, progress
        """

    /// Stores a new task and charges its price, in one transaction: the task exists if and only if
    /// it was paid for. Refuses with a 429 when its token already has `maxInFlight` unfinished
    /// tasks, and with a 402 when the token's quota cannot pay. With an idempotency key that an
    /// earlier request used, stores nothing and returns that request's task id.
    @discardableResult
    func insert(_ task: VideoTask, reason: String, maxInFlight: Int? = nil, idempotency: IdempotencyKey? = nil) async throws -> String? {
        let event = TaskEvent(taskID: task.id, fromState: nil, toState: task.state, reason: reason, atMillis: task.createdAtMillis)
        // With nothing to check first, a submit on PostgreSQL is one statement (`insertCharged`),
        // a transaction of its own.
        if idempotency == nil, maxInFlight == nil, case .postgres = database.location {
            return try await database.writeStatement { sql in
                try await insertCharged(task, event: event, on: sql)
                return nil
            }
        }
        return try await database.write(changesCachedRows: false) { sql in
            // Holds the token's row until the commit, so its in-flight count and idempotency keys
            // are checked by one submit at a time, whichever process takes it. Without either, the
            // charge's own update is what holds it (and checks the quota).
            if idempotency != nil || maxInFlight != nil {
                try await sql.raw("SELECT id FROM tokens WHERE id = \(bind: task.tokenID) \(unsafeRaw: sql.lockingSelectedRows)").run()
            }
            if let idempotency,
                let existing = try await IdempotencyRepository.existingTask(
                    for: idempotency, tokenID: task.tokenID, since: task.createdAtMillis - IdempotencyKey.lifetimeMillis, on: sql)
            {
                return existing
            }
            if let maxInFlight {
                let inFlight =
                    try await sql.raw(
                        """
                        SELECT COUNT(*) AS n FROM tasks WHERE token_id = \(bind: task.tokenID) AND state IN ('pending', 'processing')
                        """
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
                if inFlight >= maxInFlight {
                    throw GatewayError.rateLimited(
                        "This token already has \(inFlight) unfinished tasks, its limit; submit again when one finishes.", retryAfterSeconds: 5)
                }
            }
            try await insertCharged(task, event: event, on: sql)
            if let idempotency {
                try await IdempotencyRepository.record(idempotency, tokenID: task.tokenID, taskID: task.id, at: task.createdAtMillis, on: sql)
            }
            return nil
        }
    }

    /// Stores `task` with its first event and charges its price, or, when the token's quota cannot
    /// pay, stores nothing and refuses with a 402. On PostgreSQL in one statement (a round trip
    /// each otherwise), whose every part waits on the charge.
    private func insertCharged(_ task: VideoTask, event: TaskEvent, on sql: any SQLDatabase) async throws {
        let charged: Bool
        if sql.dialect.name == "postgresql" {
            let values = SQLList(try rowValues(task).map { SQLBind($0) })
            let entry: SQLQueryString =
                task.price > 0
                ? ", entry AS (\(LedgerRepository.insertingChargeEntry(task, at: task.createdAtMillis, from: "paid")))"
                : ""
            charged =
                try await sql.raw(
                    """
                    WITH paid AS (\(LedgerRepository.paying(task))),
                    stored AS (INSERT INTO tasks (\(unsafeRaw: Self.insertedColumns.joined(separator: ", "))) SELECT \(values) FROM paid RETURNING id),
                    event AS (INSERT INTO task_events (task_id, from_state, to_state, reason, at)
                              SELECT id, NULL, \(bind: event.toState.rawValue), \(bind: event.reason), \(bind: event.atMillis) FROM stored)
                    \(entry)
                    SELECT id FROM stored
                    """
                ).first() != nil
        } else {
            try await insertRows([task], on: sql)
            charged = try await LedgerRepository.charge(task, at: task.createdAtMillis, on: sql)
            if charged { try await Self.recordEvents([event], on: sql) }
        }
        guard charged else { throw try await LedgerRepository.refusal(of: task, on: sql) }
    }

    /// Inserts many tasks in one transaction, without events (used to seed stores for benchmarks),
    /// a few hundred rows per statement.
    public func insertBatch(_ tasks: [VideoTask]) async throws {
        try await database.write { sql in
            for start in stride(from: 0, to: tasks.count, by: 400) {
                try await insertRows(tasks[start..<min(start + 400, tasks.count)], on: sql)
            }
        }
    }

    public func find(id: String) async throws -> VideoTask? {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM tasks WHERE id = \(bind: id)").first().map(Self.task(from:))
        }
    }

    /// The task an upstream callback URL names.
    public func find(callbackSecret: String) async throws -> VideoTask? {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM tasks WHERE callback_secret = \(bind: callbackSecret)")
                .first().map(Self.task(from:))
        }
    }

    /// The task if `tokenID` owns it and has not deleted it; another token's task is as absent as
    /// an unknown one.
    public func find(id: String, ownedBy tokenID: String) async throws -> VideoTask? {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.columns) FROM tasks
                WHERE id = \(bind: id) AND token_id = \(bind: tokenID) AND deleted_at IS NULL
                """
            ).first().map(Self.task(from:))
        }
    }

    /// The owner's tasks of every kind, newest first.
    public func list(ownedBy tokenID: String, offset: Int, limit: Int) async throws -> [VideoTask] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.columns) FROM tasks WHERE token_id = \(bind: tokenID) AND deleted_at IS NULL
                ORDER BY created_at DESC, id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
                """
            ).all().map(Self.task(from:))
        }
    }

    /// The owner's tasks after `cursor` (exclusive) in creation order, oldest first when
    /// `ascending`, else newest first: a cursor page that stays right while tasks are added.
    public func page(ownedBy tokenID: String, after cursor: VideoTask?, ascending: Bool, limit: Int) async throws -> [VideoTask] {
        let (comparison, order) = ascending ? (">", "ASC") : ("<", "DESC")
        return try await database.read { sql in
            var query: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM tasks WHERE token_id = \(bind: tokenID) AND deleted_at IS NULL"
            if let cursor {
                query.appendInterpolation(unsafeRaw: " AND (created_at \(comparison) ")
                query.appendInterpolation(bind: cursor.createdAtMillis)
                query.appendInterpolation(unsafeRaw: " OR (created_at = ")
                query.appendInterpolation(bind: cursor.createdAtMillis)
                query.appendInterpolation(unsafeRaw: " AND id \(comparison) ")
                query.appendInterpolation(bind: cursor.id)
                query.appendInterpolation(unsafeRaw: "))")
            }
            query.appendInterpolation(unsafeRaw: " ORDER BY created_at \(order), id \(order) LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await sql.raw(query).all().map(Self.task(from:))
        }
    }

    /// Every token's tasks that `filter` lets through, newest first, and how many there are in all.
    public func search(_ filter: TaskFilter) async throws -> (tasks: [VideoTask], total: Int) {
        try await database.read { sql in
            func filtered(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
                query.from("tasks").where("deleted_at", .is, SQLLiteral.null)
                if let state = filter.state { query.where("state", .equal, state.rawValue) }
                if let tokenID = filter.tokenID { query.where("token_id", .equal, tokenID) }
                if let channel = filter.channel { query.where("channel", .equal, channel) }
                if let since = filter.createdSince { query.where("created_at", .greaterThanOrEqual, since) }
                if let until = filter.createdUntil { query.where("created_at", .lessThan, until) }
                return query
            }
            let total: Int
            if filter.channel == nil, filter.createdSince == nil, filter.createdUntil == nil {
                // What the kept counts answer without counting rows.
                let query = sql.select().column(SQLRaw("COALESCE(CAST(SUM(n) AS BIGINT), 0)"), as: "n").from("kept_task_counts").where(
                    "deleted", .equal, 0)
                if let state = filter.state { query.where("state", .equal, state.rawValue) }
                if let tokenID = filter.tokenID { query.where("token_id", .equal, tokenID) }
                total = try await query.first()?.decode(column: "n", as: Int.self) ?? 0
            } else {
                total =
                    try await filtered(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"))
                    .first()?.decode(column: "n", as: Int.self) ?? 0
            }
            let tasks = try await filtered(sql.select().column(SQLRaw(Self.columns)))
                .orderBy("created_at", .descending).orderBy("id", .descending).limit(filter.limit).offset(filter.offset)
                .all().map(Self.task(from:))
            return (tasks, total)
        }
    }

    /// Hides a task from its owner for good and stops all work on it (polls and webhooks); its row
    /// and events stay as history. Returns the task as it was, nil when there was none to delete.
    public func delete(id: String, ownedBy tokenID: String, at millis: Int64) async throws -> VideoTask? {
        try await database.write { sql in
            let deleted = try await sql.raw(
                """
                UPDATE tasks SET deleted_at = \(bind: millis), next_poll_at = NULL, leased_until = NULL, leased_by = NULL
                WHERE id = \(bind: id) AND token_id = \(bind: tokenID) AND deleted_at IS NULL
                RETURNING \(unsafeRaw: Self.columns)
                """
            ).first().map(Self.task(from:))
            guard deleted != nil else { return nil }
            try await WebhookRepository.cancelPending(taskID: id, on: sql)
            return deleted
        }
    }

    public func events(taskID: String) async throws -> [TaskEvent] {
        try await database.read { sql in
            try await sql.raw("SELECT task_id, from_state, to_state, reason, at FROM task_events WHERE task_id = \(bind: taskID) ORDER BY id")
                .all().map(Self.event(from:))
        }
    }

    /// Moves a task from `from` to `to` if, and only if, it is still in `from` (and not deleted).
    /// Returns the task as it now is for the caller that won, nil for everyone else. The client's
    /// webhooks hear of the change from the outbox, written in the same transaction.
    public func transition(
        id: String, from: TaskState, to: TaskState, changes: Changes, reason: String, at millis: Int64
    ) async throws -> VideoTask? {
        precondition(from.canMove(to: to), "illegal transition \(from) → \(to)")
        let mediaJSON = try changes.media.map(Self.encode)
        var changes = changes
        changes.failureReason = changes.failureReason.map(Self.storable)
        changes.upstreamID = changes.upstreamID.map(Self.storable)
        let reason = Self.storable(reason)
        return try await database.write { sql in
            let updated = try await sql.raw(
                """
                UPDATE tasks SET state = \(bind: to.rawValue),
                    media_json = COALESCE(\(bind: mediaJSON), media_json),
                    failure_reason = COALESCE(\(bind: changes.failureReason), failure_reason),
                    upstream_id = COALESCE(\(bind: changes.upstreamID), upstream_id),
                    next_poll_at = \(bind: to.isTerminal ? nil : changes.nextPollAtMillis),
                    leased_until = NULL, leased_by = NULL,
                    updated_at = \(bind: millis)
                WHERE id = \(bind: id) AND state = \(bind: from.rawValue) AND deleted_at IS NULL
                RETURNING \(unsafeRaw: Self.columns)
                """
            ).first().map(Self.task(from:))
            guard let updated else { return nil }
            if to == .failed, RefundPolicy.refunds(changes.failure) {
                try await LedgerRepository.refund(updated, reason: reason, at: millis, on: sql)
            }
            try await record([updated], movedFrom: from, reason: reason, at: millis, on: sql)
            return updated
        }
    }

    /// Moves every task of `moves` that is still in `from` (and not deleted) to the unfinished
    /// state `to`, each due for its next poll at its own time, in one transaction of a few
    /// statements whatever their number: what the poller does for all the tasks an upstream has
    /// started since the last pass. Returns the tasks that moved.
    public func transition(
        _ moves: [(id: String, nextPollAtMillis: Int64)], from: TaskState, to: TaskState, reason: String, at millis: Int64
    ) async throws -> [VideoTask] {
        precondition(from.canMove(to: to) && !to.isTerminal, "illegal transition \(from) → \(to)")
        guard !moves.isEmpty else { return [] }
        let reason = Self.storable(reason)
        return try await database.write { sql in
            let updated = try await sql.raw(
                """
                UPDATE tasks SET state = \(bind: to.rawValue),
                    next_poll_at = \(Self.byID(moves.map { ($0.id, $0.nextPollAtMillis) })),
                    leased_until = NULL, leased_by = NULL,
                    updated_at = \(bind: millis)
                WHERE id IN (\(SQLList(moves.map { SQLBind($0.id) }))) AND state = \(bind: from.rawValue) AND deleted_at IS NULL
                RETURNING \(unsafeRaw: Self.columns)
                """
            ).all().map(Self.task(from:))
            try await record(updated, movedFrom: from, reason: reason, at: millis, on: sql)
            return updated
        }
    }

    /// What follows tasks' move from `from`, in the transaction that moved them: their stored
    /// views, their clients' webhooks in the outbox, and their events.
    private func record(_ moved: [VideoTask], movedFrom from: TaskState, reason: String, at millis: Int64, on sql: any SQLDatabase) async throws {
        guard !moved.isEmpty else { return }
        let views = moved.map { ($0.id, renderers.storedView($0)) }
        try await sql.raw(
            """
            UPDATE tasks SET luma_view = \(Self.byID(views)) WHERE id IN (\(SQLList(moved.map { SQLBind($0.id) })))
            """
        ).run()
        for (task, (_, view)) in zip(moved, views) {
            for webhook in renderers.webhooks(task, view) {
                try await WebhookRepository.enqueue(
                    taskID: task.id, url: webhook.url, payload: webhook.payload, sharedSecret: webhook.sharedSecret, at: millis, on: sql)
            }
            if let event = renderers.endpointEvent(task) {
                try await WebhookEndpointRepository.enqueue(event, taskID: task.id, tokenID: task.tokenID, at: millis, on: sql)
            }
        }
        try await Self.recordEvents(
            moved.map { TaskEvent(taskID: $0.id, fromState: from, toState: $0.state, reason: reason, atMillis: millis) }, on: sql)
    }

    /// `CASE id WHEN … THEN … END`: a value per task in one statement.
    static func byID(_ values: [(id: String, value: some Encodable & Sendable)]) -> SQLQueryString {
        let cases: [SQLQueryString] = values.map { "WHEN \(bind: $0.id) THEN \(bind: $0.value)" }
        return "CASE id \(cases.joined(separator: " ")) END"
    }

    /// `text` from an upstream as a text column can hold it: PostgreSQL refuses U+0000, and a
    /// refused write would leave the task where it was, to fail the same way at every poll.
    static func storable(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }

    private static let insertedColumns =
        columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        + ["luma_view", "kind"]

    private func insertRows(_ tasks: ArraySlice<VideoTask>, on sql: any SQLDatabase) async throws {
        let insert = sql.insert(into: "tasks").columns(Self.insertedColumns)
        for task in tasks { insert.values(try rowValues(task)) }
        try await insert.run()
    }

    /// A task's row, in the order of `insertedColumns`.
    private func rowValues(_ task: VideoTask) throws -> [any Encodable & Sendable] {
        [
            task.id, task.tokenID, task.state.rawValue, task.channel, task.upstreamID, task.parentID, try Self.encode(task.request),
            try task.media.map(Self.encode), task.failureReason, task.createdAtMillis, task.updatedAtMillis, task.nextPollAtMillis,
            task.callbackSecret, task.price, task.progress, renderers.storedView(task), (task.request.kind ?? .video).rawValue,
        ]
    }

    /// Writes `events` in one statement.
    private static func recordEvents(_ events: [TaskEvent], on sql: any SQLDatabase) async throws {
        let rows: [SQLQueryString] = events.map {
            "(\(bind: $0.taskID), \(bind: $0.fromState?.rawValue), \(bind: $0.toState.rawValue), \(bind: $0.reason), \(bind: $0.atMillis))"
        }
        try await sql.raw("INSERT INTO task_events (task_id, from_state, to_state, reason, at) VALUES \(rows.joined(separator: ", "))").run()
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func task(from row: any SQLRow) throws -> VideoTask {
        let decoder = JSONDecoder()
        let stateName = try row.decode(column: "state", as: String.self)
        guard let state = TaskState(rawValue: stateName) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown task state \(stateName)"))
        }
        return VideoTask(
            id: try row.decode(column: "id", as: String.self),
            tokenID: try row.decode(column: "token_id", as: String.self),
            state: state,
            channel: try row.decode(column: "channel", as: String.self),
            upstreamID: try row.decode(column: "upstream_id", as: String?.self),
            parentID: try row.decode(column: "parent_id", as: String?.self),
            request: try decoder.decode(GenerationRequest.self, from: Data(try row.decode(column: "request_json", as: String.self).utf8)),
            media: try row.decode(column: "media_json", as: String?.self).map { try decoder.decode(TaskMedia.self, from: Data($0.utf8)) },
            failureReason: try row.decode(column: "failure_reason", as: String?.self),
            createdAtMillis: try row.decode(column: "created_at", as: Int64.self),
            updatedAtMillis: try row.decode(column: "updated_at", as: Int64.self),
            nextPollAtMillis: try row.decode(column: "next_poll_at", as: Int64?.self),
            callbackSecret: try row.decode(column: "callback_secret", as: String?.self),
            price: try row.decode(column: "price", as: Int64.self),
            progress: try row.decode(column: "progress", as: Double?.self)
        )
    }
}
