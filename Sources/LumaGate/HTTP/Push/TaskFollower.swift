import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Synchronization

/// How a client follows a task without polling, the same on every face: a task GET with
/// validators and `Prefer: wait` (RFC 9110, RFC 7240), and a stream of Server-Sent Events. Both
/// wait on `TaskWatchers`, which the store's change feed wakes for a change made by any process.
final class TaskFollower: Sendable {
    let watchers: TaskWatchers
    /// Streams and held requests at once, for one token and for the process; past either, a 429.
    let maxPerToken: Int
    let maxPerProcess: Int
    private let held = Mutex<(byToken: [String: Int], total: Int)>(([:], 0))
    /// Set at graceful shutdown: streams end and held requests are answered as things are.
    let shuttingDown = Atomic<Bool>(false)
    /// The longest `Prefer: wait` honoured.
    static let maxWaitSeconds = 60

    init(watchers: TaskWatchers, maxPerToken: Int, maxPerProcess: Int) {
        self.watchers = watchers
        self.maxPerToken = maxPerToken
        self.maxPerProcess = maxPerProcess
    }
    /// A stream with nothing to say sends a comment this often, so proxies keep it open.
    static let heartbeat: Duration = .seconds(15)

    /// A task GET: the body `read` renders, with an `ETag` of its bytes. `If-None-Match` with the
    /// current tag is a 304; with `Prefer: wait=N` as well, the request is held until the task
    /// changes (a 200 with the new body) or N seconds pass (a 304).
    func get(_ request: Request, taskID: String, tokenID: String, read: () async throws -> ByteBuffer) async throws -> Response {
        let wait = Self.preferredWait(request.headers)
        if wait != nil { try hold(for: tokenID) }
        defer { if wait != nil { release(for: tokenID) } }
        let deadline = ContinuousClock.now + .seconds(wait ?? 0)
        let known = request.headers[.ifNoneMatch]
        var ticket = watchers.ticket()
        var body = try await read()
        return try await endingAtShutdown {
            while true {
                let tag = Self.entityTag(of: body)
                var headers: HTTPFields = [.eTag: tag]
                if let wait { headers[.preferenceApplied] = "wait=\(wait)" }
                guard let known, Self.matches(known, tag) else {
                    headers[.contentType] = "application/json; charset=utf-8"
                    headers[.contentLength] = String(body.readableBytes)
                    return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
                }
                guard wait != nil, !shuttingDown.load(ordering: .relaxed), ContinuousClock.now < deadline,
                    await watchers.wait(for: taskID, since: ticket, until: deadline)
                else { return Response(status: .notModified, headers: headers) }
                ticket = watchers.ticket()
                body = try await read()
            }
        }
    }

    /// A create's answer (`answer` renders it). With `Prefer: wait=N` (N up to 60) it is held until
    /// the task is finished or N seconds pass, as Replicate's sync mode, so a simple script needs
    /// no loop; it is then the task as it is, with `Preference-Applied`.
    func created(_ task: VideoTask, _ request: Request, service: TaskService, answer: (VideoTask) -> Response) async throws -> Response {
        guard let wait = Self.preferredWait(request.headers) else { return answer(task) }
        var response = answer(try await finished(task, service: service, within: .seconds(wait)))
        response.headers[.preferenceApplied] = "wait=\(wait)"
        return response
    }

    /// `task` once it has completed or failed, or as it is when `limit` has passed: held on the
    /// watchers, which the store's change feed wakes, counted against the token's held requests.
    func finished(_ task: VideoTask, service: TaskService, within limit: Duration) async throws -> VideoTask {
        guard !task.state.isTerminal else { return task }
        try hold(for: task.tokenID)
        defer { release(for: task.tokenID) }
        let deadline = ContinuousClock.now + limit
        var task = task
        return try await endingAtShutdown {
            while true {
                let ticket = watchers.ticket()
                task = try await service.task(id: task.id, tokenID: task.tokenID)
                guard !task.state.isTerminal, !shuttingDown.load(ordering: .relaxed),
                    await watchers.wait(for: task.id, since: ticket, until: deadline)
                else { return task }
            }
        }
    }

    /// Runs `body`, whose waits on the watchers end when the gateway begins to shut down (it sets
    /// `shuttingDown` and wakes every waiter), so a held request or stream is answered as things
    /// are rather than holding the shutdown up; the client asks again of the next process.
    func endingAtShutdown<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withGracefulShutdownHandler(operation: body) {
            self.shuttingDown.store(true, ordering: .relaxed)
            self.watchers.changedAll()
        }
    }

    /// `get` of one of the request's token's tasks (`:id`), as the face renders it.
    func get(
        _ request: Request, context: GatewayRequestContext, service: TaskService,
        render: @escaping @Sendable (VideoTask) -> JSONValue
    ) async throws -> Response {
        let (token, id) = (try context.requireToken(), try context.parameters.require("id"))
        return try await get(request, taskID: id, tokenID: token.id) {
            ByteBuffer(bytes: render(try await service.task(id: id, tokenID: token.id)).bytes())
        }
    }

    /// `stream` of one of the request's token's tasks (`:id`), as the face renders it.
    func stream(
        _ request: Request, context: GatewayRequestContext, service: TaskService,
        render: @escaping @Sendable (VideoTask) -> JSONValue
    ) async throws -> Response {
        let (token, id) = (try context.requireToken(), try context.parameters.require("id"))
        return try await stream(
            request, taskID: id, tokenID: token.id, read: { try await service.task(id: id, tokenID: token.id) },
            render: { ByteBuffer(bytes: render($0).bytes()) })
    }

    /// A stream of the task as `render` writes it (the face's own object, as its GET returns it):
    /// the current object, then one event per change, each with an `id:` (the task's version, its
    /// last change in milliseconds) so a client that reconnects with `Last-Event-ID` is sent only
    /// what changed since; the stream ends after the finished task's event. The first read
    /// happens before the answer starts, so an unknown task is the face's 404.
    func stream(
        _ request: Request, taskID: String, tokenID: String, read: @escaping @Sendable () async throws -> VideoTask,
        render: @escaping @Sendable (VideoTask) -> ByteBuffer
    ) async throws -> Response {
        let seen = request.headers[.lastEventID].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? -1
        let ticket = watchers.ticket()
        let first = try await read()
        try hold(for: tokenID)
        let watchers = self.watchers
        return eventStream(releasing: tokenID) { writer in
            var (task, ticket, seen) = (first, ticket, seen)
            while !self.shuttingDown.load(ordering: .relaxed) {
                if task.updatedAtMillis > seen {
                    seen = task.updatedAtMillis
                    var event = ByteBuffer(string: "id: \(seen)\ndata: ")
                    event.writeImmutableBuffer(render(task))
                    event.writeString("\n\n")
                    try await writer.write(event)
                }
                if task.state.isTerminal { return }
                guard await watchers.wait(for: taskID, since: ticket, until: .now + Self.heartbeat) else {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    continue
                }
                ticket = watchers.ticket()
                task = try await read()
            }
        }
    }

    /// A `text/event-stream` answer whose events `produce` writes; it ends when `produce` returns
    /// or the gateway shuts down (a client reconnects with `Last-Event-ID`), and then releases the
    /// hold `hold(for: tokenID)` took.
    func eventStream(
        releasing tokenID: String, _ produce: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        let body = ResponseBody { writer in
            defer { self.release(for: tokenID) }
            try await self.endingAtShutdown { try await produce(&writer) }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .xAccelBuffering: "no"],
            body: body)
    }

    /// Counts one more stream or held request of `tokenID`, or refuses it with a 429.
    func hold(for tokenID: String) throws {
        let refusal = held.withLock { held -> String? in
            if held.total >= maxPerProcess { return "This gateway holds \(maxPerProcess) streams and waiting requests already" }
            if held.byToken[tokenID, default: 0] >= maxPerToken { return "This token holds \(maxPerToken) streams and waiting requests already" }
            held.total += 1
            held.byToken[tokenID, default: 0] += 1
            return nil
        }
        if let refusal {
            throw GatewayError.rateLimited("\(refusal); close one, or poll without `Prefer: wait`.", retryAfterSeconds: 5)
        }
    }

    func release(for tokenID: String) {
        held.withLock { held in
            held.total -= 1
            held.byToken[tokenID, default: 1] -= 1
            if held.byToken[tokenID] == 0 { held.byToken[tokenID] = nil }
        }
    }

    /// N of `Prefer: wait=N` (at most `maxWaitSeconds`), or nil when the request prefers no wait.
    static func preferredWait(_ headers: HTTPFields) -> Int? {
        for preference in headers[values: .prefer].flatMap({ $0.split(separator: ",") }) {
            let parts = preference.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].lowercased() == "wait", let seconds = Int(parts[1]), seconds >= 0 else { continue }
            return min(seconds, maxWaitSeconds)
        }
        return nil
    }

    /// A strong validator of the body's bytes: equal bodies, equal tags. FNV-1a's step over
    /// eight bytes at a time, so a task query pays well under a microsecond for it.
    static func entityTag(of body: ByteBuffer) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        body.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset + 8 <= bytes.count {
                hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0000_0100_0000_01b3
                offset += 8
            }
            while offset < bytes.count {
                hash = (hash ^ UInt64(bytes[offset])) &* 0x0000_0100_0000_01b3
                offset += 1
            }
        }
        hash ^= UInt64(body.readableBytes)
        return "\"\(String(hash, radix: 16))\""
    }

    /// Whether an `If-None-Match` value names `tag` (or is `*`).
    static func matches(_ ifNoneMatch: String, _ tag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { candidate in
            let candidate = candidate.trimmingCharacters(in: .whitespaces)
            return candidate == "*" || candidate == tag || candidate == "W/" + tag
        }
    }
}

extension HTTPField.Name {
    static let prefer = Self("Prefer")!
    static let preferenceApplied = Self("Preference-Applied")!
    static let lastEventID = Self("Last-Event-ID")!
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
