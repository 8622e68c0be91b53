import Foundation
import Hummingbird

/// One connection instead of a poll per task: every change of any of a token's video tasks, each
/// as the relay face's GET returns it.
extension TaskFollower {
    /// How far before its last event a stream looks again when changes may have been missed (the
    /// store's feed started again): a change committed later than this after its time is the only
    /// one such a look can miss.
    static let lookBackMillis: Int64 = 5_000

    /// The stream of `GET /luma/stream`. Each event's `id:` is `<change in ms>-<task id>`; a client
    /// that reconnects with the last one it saw (`Last-Event-ID`) is first sent every task that
    /// changed after it (`0` sends every task), then the changes as they happen. A task is sent
    /// once per change, never twice for the same one. Tasks another process creates appear at
    /// their first change.
    ///
    /// With `everyToken` (the operator's `GET /admin/stream`), every task of every token, image
    /// tasks too, from now on only: it does not resume.
    func tokenStream(
        _ request: Request, context: GatewayRequestContext, service: TaskService, publicURL: PublicURL, everyToken: Bool = false
    ) async throws -> Response {
        let token = try context.requireToken()
        let owner = everyToken ? nil : token.id
        let resumed = everyToken ? nil : request.headers[.lastEventID].flatMap(Self.cursor(of:))
        try hold(for: token.id)
        let subscription = watchers.subscribe(tokenID: owner ?? TaskWatchers.everyToken)
        let watchers = self.watchers
        return eventStream(releasing: token.id) { writer in
            defer { watchers.unsubscribe(subscription) }
            var cursor = resumed ?? (millis: Int64(Date().timeIntervalSince1970 * 1000) - Self.lookBackMillis, id: "")
            /// The change of each task last sent, for tasks that changed after `cursor - lookBack`.
            var sent: [String: Int64] = [:]
            func send(_ views: [ChangedView]) async throws {
                var events = ByteBuffer()
                for changed in views where sent[changed.id].map({ $0 < changed.updatedAtMillis }) ?? true {
                    sent[changed.id] = changed.updatedAtMillis
                    if (changed.updatedAtMillis, changed.id) > cursor { cursor = (changed.updatedAtMillis, changed.id) }
                    events.writeString("id: \(changed.updatedAtMillis)-\(changed.id)\ndata: ")
                    events.writeImmutableBuffer(StoredView.resolve([changed.view], asArray: false, publicURL: publicURL))
                    events.writeString("\n\n")
                }
                if sent.count > 10_000 { sent = sent.filter { $0.value >= cursor.millis - Self.lookBackMillis } }
                try await writer.write(events.readableBytes > 0 ? events : ByteBuffer(string: ": heartbeat\n\n"))
            }
            func catchUp(after start: (millis: Int64, id: String)) async throws {
                var after = start
                while true {
                    let page = try await service.changedViews(ownedBy: token.id, after: after, limit: 500)
                    if !page.isEmpty { try await send(page) }
                    guard page.count == 500, let last = page.last else { return }
                    after = (last.updatedAtMillis, last.id)
                }
            }
            try await writer.write(ByteBuffer(string: ": following the token's tasks\n\n"))
            if let resumed { try await catchUp(after: resumed) }
            while !self.shuttingDown.load(ordering: .relaxed), !Task.isCancelled {
                guard let ids = await watchers.changes(for: subscription, until: .now + Self.heartbeat) else {
                    if owner != nil { try await catchUp(after: (cursor.millis - Self.lookBackMillis, "")) }
                    continue
                }
                try await send(ids.isEmpty ? [] : service.changedViews(ids: Array(Set(ids)), tokenID: owner))
            }
        }
    }

    /// `<ms>-<task id>` as the stream's events carry it, or a bare `<ms>`.
    static func cursor(of lastEventID: String) -> (millis: Int64, id: String)? {
        let parts = lastEventID.trimmingCharacters(in: .whitespaces).split(separator: "-", maxSplits: 1)
        guard let first = parts.first, let millis = Int64(first) else { return nil }
        return (millis, parts.count == 2 ? String(parts[1]) : "")
    }
}
