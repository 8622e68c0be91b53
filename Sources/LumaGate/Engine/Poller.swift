import Foundation
import Logging
import ServiceLifecycle

/// Drives in-flight tasks forward. Each pass claims the tasks that are due (with a lease, so no
/// two workers ever hold one task), submits those not yet upstream through the router, asks the
/// channels about the rest, and applies what it hears through compare-and-set transitions.
public final class Poller: Service, Sendable {
    public struct Settings: Sendable {
        /// Tasks claimed per pass; each channel works its share with its own concurrency.
        public var batchSize: Int = 32
        public var leaseSeconds: Double = 120
        public var idleInterval: Duration = .milliseconds(250)
        /// Wait before trying again after a channel error.
        public var retrySeconds: Double = 5
        /// A task still unfinished this long after its submit is failed: nothing stays in flight for ever.
        public var maxTaskAgeSeconds: Double = 2 * 60 * 60
        /// A task no channel has taken this long after its submit is failed (and refunded).
        public var submitDeadlineSeconds: Double = 10 * 60
        public init() {}
    }

    let tasks: TaskRepository
    let channels: [String: any UpstreamChannel]
    let router: ChannelRouter
    let metrics: GatewayMetrics
    let settings: Settings
    let workerID: String
    /// Where the sandbox writes media, to remove what a render made for a task that was deleted
    /// or failed while it rendered.
    let store: MediaStore?
    let now: @Sendable () -> Date
    let logger: Logger
    private let wakeUps: AsyncStream<Void>
    private let wakeUpContinuation: AsyncStream<Void>.Continuation

    /// `channels` are all the channels tasks may be on; `router` picks among those new tasks go to.
    public init(
        tasks: TaskRepository, channels: [any UpstreamChannel], router: ChannelRouter, metrics: GatewayMetrics = .init(),
        settings: Settings = .init(), store: MediaStore? = nil,
        workerID: String = UUID().uuidString, now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.tasks = tasks
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.router = router
        self.metrics = metrics
        self.settings = settings
        self.workerID = workerID
        self.store = store
        self.now = now
        self.logger = logger
        (wakeUps, wakeUpContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass now rather than at the next tick (a task was just submitted).
    public func wakeUp() {
        wakeUpContinuation.yield()
    }

    public func run() async throws {
        // A ticker feeds the same stream as wake-ups, so a pass runs on whichever comes first.
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.idleInterval)
                wakeUpContinuation.yield()
            }
        }
        defer { ticker.cancel() }
        for await _ in wakeUps.cancelOnGracefulShutdown() {
            // Keep going while passes find work; a pass never throws.
            while await pollOnce(now: now()) > 0, !Task.isShuttingDownGracefully {}
        }
    }

    /// One pass: claims due tasks and works them. Returns how many were claimed. Errors are logged
    /// and the task is retried later, so the service never dies of one bad task.
    @discardableResult
    public func pollOnce(now: Date) async -> Int {
        let claimed: [VideoTask]
        do {
            claimed = try await tasks.claimDue(
                now: now.millis, limit: settings.batchSize, owner: workerID,
                leaseUntil: now.addingTimeInterval(settings.leaseSeconds).millis)
            // The count reads an index entry per task at an upstream, at every pass that has new
            // tasks: only when a cap needs it.
            if router.capsInFlight, claimed.contains(where: { $0.upstreamID == nil }) {
                router.refresh(inFlight: try await tasks.countAtUpstreamByChannel())
            }
        } catch is CancellationError {
            return 0  // the gateway is stopping
        } catch {
            logger.error("poller could not claim tasks: \(error)")
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for (name, share) in Dictionary(grouping: claimed, by: \.channel) {
                group.addTask { await self.work(share, on: self.channels[name], claimedAt: now) }
            }
        }
        return claimed.count
    }

    /// Works one channel's share: new tasks are submitted (possibly elsewhere), the others are
    /// asked about, many at once when the channel can, with at most its concurrency at a time.
    /// What most polls find (a task unchanged, or just started upstream) is written for the whole
    /// share at once when the last of its polls is done.
    private func work(_ share: [VideoTask], on channel: (any UpstreamChannel)?, claimedAt: Date) async {
        var results: [String: Result<UpstreamSnapshot, any Error>] = [:]
        let live = share.filter { $0.upstreamID != nil && !isTooOld($0) }
        if let channel, !live.isEmpty { results = await channel.fetchMany(live) }
        let found = await withTaskGroup(of: Finding?.self) { group in
            var found: [Finding] = []
            var running = 0
            for task in share {
                if running == channel?.concurrency ?? 1 {
                    if let finding = await group.next() ?? nil { found.append(finding) }
                    running -= 1
                }
                let fetched = results[task.id]
                group.addTask {
                    guard await self.stillHolds(task, claimedAt: claimedAt) else { return nil }
                    return await self.work(task, on: channel, fetched: fetched)
                }
                running += 1
            }
            for await finding in group { if let finding { found.append(finding) } }
            return found
        }
        await write(found)
    }

    /// What a poll found that is written with the rest of its share.
    private enum Finding {
        case unchanged(id: String, nextPollAtMillis: Int64)
        case started(id: String, nextPollAtMillis: Int64)
    }

    /// A task whose write fails stays leased, and is polled again when its lease runs out.
    private func write(_ found: [Finding]) async {
        var unchanged: [(id: String, nextPollAtMillis: Int64)] = []
        var started: [(id: String, nextPollAtMillis: Int64)] = []
        for finding in found {
            switch finding {
            case .unchanged(let id, let next): unchanged.append((id, next))
            case .started(let id, let next): started.append((id, next))
            }
        }
        do {
            _ = try await tasks.transition(started, from: .pending, to: .processing, reason: "upstream is generating", at: now().millis)
            try await tasks.reschedule(unchanged, owner: workerID)
        } catch {
            logger.error("poller could not record \(found.count) polls: \(error)")
        }
    }

    /// A task that waited in its batch for half its lease has the lease renewed before any work,
    /// or, if the lease ran out and another process claimed the task, is left to that process.
    private func stillHolds(_ task: VideoTask, claimedAt: Date) async -> Bool {
        let now = now()
        guard now.timeIntervalSince(claimedAt) > settings.leaseSeconds / 2 else { return true }
        let renewed = try? await tasks.renewLease(id: task.id, owner: workerID, until: now.addingTimeInterval(settings.leaseSeconds).millis)
        return renewed == true
    }

    private func isTooOld(_ task: VideoTask) -> Bool {
        now().timeIntervalSince(Date(millis: task.createdAtMillis)) > settings.maxTaskAgeSeconds
    }

    private func work(_ task: VideoTask, on channel: (any UpstreamChannel)?, fetched: Result<UpstreamSnapshot, any Error>?) async -> Finding? {
        do {
            if isTooOld(task) {
                try await fail(
                    task, reason: "The task did not finish within \(Self.duration(settings.maxTaskAgeSeconds)) and was stopped; submit it again.")
                return nil
            }
            if task.upstreamID == nil {
                try await submit(task)
                return nil
            }
            guard let channel else {
                try await fail(task, reason: "The channel \"\(task.channel)\" that ran this task is no longer configured.")
                return nil
            }
            let snapshot: UpstreamSnapshot
            do {
                if let fetched { snapshot = try fetched.get() } else { snapshot = try await channel.fetch(task) }
            } catch {
                metrics.recordUpstream("poll", channel: channel.name, outcome: (error as? UpstreamError)?.kind ?? "error")
                throw error
            }
            metrics.recordUpstream("poll", channel: channel.name, outcome: "ok")
            router.recordSuccess(channel.name)
            let nextPoll = channel.nextPoll(for: task, after: snapshot, now: now())
            if case .dreaming = snapshot, task.state == .pending { return .started(id: task.id, nextPollAtMillis: nextPoll.millis) }
            if try await !apply(snapshot, to: task, nextPoll: nextPoll) { return .unchanged(id: task.id, nextPollAtMillis: nextPoll.millis) }
        } catch {
            await handle(error, for: task)
        }
        return nil
    }

    /// Takes a new task upstream. A task tied to other generations (an extension, an operation on
    /// a video) must go to their channel; any other goes to the router's best choice, and on a
    /// rate limit, a server error or no answer, to the next. A refusal of the request itself
    /// (400) fails the task at once; when no channel takes it within `submitDeadlineSeconds`, it
    /// fails too (and, failing, is refunded).
    private func submit(_ task: VideoTask) async throws {
        var parent: VideoTask?
        var end: VideoTask?
        if let id = task.parentID { parent = try await tasks.find(id: id) }
        if let id = task.request.endGenerationID { end = try await tasks.find(id: id) }
        // A remix or an edit acts on its source as an extension on its parent: on the source's
        // channel, which is handed the source in the parent's place.
        if parent == nil, let id = task.request.remixedFrom { parent = try await tasks.find(id: id) }
        let pinned = parent != nil || end != nil || task.request.remixedFrom != nil
        let choices = pinned ? [channels[task.channel]].compactMap { $0 } : router.candidates(for: task.request)
        var lastError: (any Error)?
        for channel in choices {
            guard router.reserve(channel.name) else { continue }
            do {
                let upstreamID = try await channel.submit(task, parent: parent, end: end)
                metrics.recordUpstream("submit", channel: channel.name, outcome: "ok")
                router.recordSuccess(channel.name)
                var submitted = task
                submitted.upstreamID = upstreamID
                try await tasks.recordSubmission(
                    id: task.id, owner: workerID, upstreamID: upstreamID, channel: channel.name,
                    nextPollAt: channel.nextPoll(for: submitted, after: .queued, now: now()).millis)
                return
            } catch let error as UpstreamError {
                metrics.recordUpstream("submit", channel: channel.name, outcome: error.kind)
                router.release(channel.name)
                if case .unauthorized(let status) = error { await router.recordAuthFailure(channel.name, status: status) }
                guard error.isRetryable else { throw error }
                logger.warning("task \(task.id): \(channel.name) did not take it (\(error)); trying the next channel")
                lastError = error
            }
        }
        let waited = now().timeIntervalSince(Date(millis: task.createdAtMillis))
        if waited > settings.submitDeadlineSeconds {
            let why =
                choices.isEmpty
                ? "no enabled channel can carry it" : "every channel refused or failed (last: \(lastError.map { "\($0)" } ?? "all were full"))"
            try await fail(
                task, reason: "The task could not be submitted to any upstream within \(Self.duration(settings.submitDeadlineSeconds)): \(why).")
            return
        }
        throw lastError ?? UpstreamError.rateLimited(retryAfter: choices.isEmpty ? settings.retrySeconds * 2 : settings.retrySeconds)
    }

    /// What to do after `error`: a refusal fails the task, anything else retries it later.
    private func handle(_ error: any Error, for task: VideoTask) async {
        if let error = error as? UpstreamError {
            if case .unauthorized(let status) = error, task.upstreamID != nil {
                await router.recordAuthFailure(task.channel, status: status)
            }
            if !error.isRetryable {
                try? await fail(task, reason: Self.failureReason(error, upstream: channels[task.channel]?.upstreamName ?? "Luma"))
                return
            }
        }
        var delay = settings.retrySeconds
        if case UpstreamError.rateLimited(let retryAfter?) = error { delay = max(retryAfter, 0.1) }
        logger.warning("task \(task.id) on \(task.channel): \(error); retrying in \(delay)s")
        try? await tasks.reschedule(id: task.id, owner: workerID, nextPollAt: now().addingTimeInterval(delay).millis)
    }

    /// Applies what an upstream said about `task` outside a poll (a callback). Transitions are
    /// compare-and-set, so duplicated, late or out-of-order reports change nothing.
    public func receive(_ snapshot: UpstreamSnapshot, for task: VideoTask) async {
        guard let channel = channels[task.channel] else { return }
        metrics.recordUpstream("callback", channel: channel.name, outcome: "ok")
        do {
            _ = try await apply(snapshot, to: task, nextPoll: channel.nextPoll(for: task, after: snapshot, now: now()))
        } catch {
            logger.warning("task \(task.id): could not apply a report from \(task.channel): \(error)")
        }
    }

    /// Moves `task` as `snapshot` says; false when the snapshot changes nothing.
    private func apply(_ snapshot: UpstreamSnapshot, to task: VideoTask, nextPoll: Date) async throws -> Bool {
        let at = now().millis
        switch (snapshot, task.state) {
        case (.dreaming, .pending):
            _ = try await tasks.transition(
                id: task.id, from: .pending, to: .processing,
                changes: .init(nextPollAtMillis: nextPoll.millis), reason: "upstream is generating", at: at)
        case (.completed(let media), .pending), (.completed(let media), .processing):
            // Clients see every state: a task finished between two polls still passes processing.
            // (If that step loses a race, the task is processing already or finished; either way the
            // next step is right or harmless.) It stays due for a poll, so a crash or an error
            // between the two steps leaves a task the next poll finishes, not one stuck in processing.
            // Its files are in the media store before any client is told it is finished.
            try await store?.publish(media, of: task.id)
            if task.state == .pending {
                _ = try await tasks.transition(
                    id: task.id, from: .pending, to: .processing, changes: .init(nextPollAtMillis: nextPoll.millis),
                    reason: "upstream is generating", at: at)
            }
            if try await tasks.transition(
                id: task.id, from: .processing, to: .completed,
                changes: .init(media: media), reason: "upstream finished the video", at: at) == nil
            {
                try await discardLocalMedia(media, of: task)
            }
        case (.failed(let reason), .pending), (.failed(let reason), .processing):
            try await fail(task, reason: reason)
        default:
            return false
        }
        return true
    }

    /// Media rendered here for a task that meanwhile failed or was deleted is never served: its
    /// files go (a task that completed by another path keeps its own).
    private func discardLocalMedia(_ media: TaskMedia, of task: VideoTask) async throws {
        guard let store, let video = media.video?.url ?? media.image?.url, !video.hasPrefix("http") else { return }
        if let current = try await tasks.find(id: task.id), current.state == .completed { return }
        await store.delete(store.taskDirectory(task.id))
    }

    private func fail(_ task: VideoTask, reason: String) async throws {
        _ = try await tasks.transition(
            id: task.id, from: task.state, to: .failed,
            changes: .init(failureReason: reason), reason: reason, at: now().millis)
    }

    /// A sentence for the client when the upstream refuses for good.
    static func failureReason(_ error: UpstreamError, upstream: String) -> String {
        switch error {
        case .rejected(let reason): "\(upstream) refused this request: \(reason)."
        case .notFound: "\(upstream) no longer knows this generation; submit the task again."
        default: "The upstream failed: \(error)."
        }
    }

    private static func duration(_ seconds: Double) -> String {
        seconds >= 3600 && seconds.truncatingRemainder(dividingBy: 3600) == 0
            ? "\(Int(seconds / 3600)) h"
            : seconds >= 60 ? "\(Int(seconds / 60)) min" : "\(Int(seconds)) s"
    }
}
