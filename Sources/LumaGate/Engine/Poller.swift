import Foundation
import Logging
import ServiceLifecycle

/// Drives in-flight tasks forward. Each pass claims the tasks that are due (with a lease, so no
/// two workers ever hold one task), submits those not yet upstream, asks the channel about the
/// rest, and applies what it hears through compare-and-set transitions.
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
        public init() {}
    }

    let tasks: TaskRepository
    let channels: [String: any UpstreamChannel]
    let settings: Settings
    let workerID: String
    let now: @Sendable () -> Date
    let logger: Logger
    private let wakeUps: AsyncStream<Void>
    private let wakeUpContinuation: AsyncStream<Void>.Continuation

    public init(tasks: TaskRepository, channels: [any UpstreamChannel], settings: Settings = .init(),
                workerID: String = UUID().uuidString, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.tasks = tasks
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.settings = settings
        self.workerID = workerID
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
        } catch {
            logger.error("poller could not claim tasks: \(error)")
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for (channel, share) in Dictionary(grouping: claimed, by: \.channel) {
                group.addTask { await self.work(share, concurrency: self.channels[channel]?.concurrency ?? 1) }
            }
        }
        return claimed.count
    }

    /// Works `tasks` with at most `concurrency` of them at a time.
    private func work(_ tasks: [VideoTask], concurrency: Int) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for task in tasks {
                if running == concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.work(task) }
                running += 1
            }
        }
    }

    private func work(_ task: VideoTask) async {
        do {
            let age = now().timeIntervalSince(Date(millis: task.createdAtMillis))
            if age > settings.maxTaskAgeSeconds {
                try await fail(task, reason: "The task did not finish within \(Self.duration(settings.maxTaskAgeSeconds)) and was stopped; submit it again.")
                return
            }
            guard let channel = channels[task.channel] else {
                try await fail(task, reason: "The channel \"\(task.channel)\" that ran this task is no longer configured.")
                return
            }
            if task.upstreamID == nil {
                var parent: VideoTask?
                var end: VideoTask?
                if let id = task.parentID { parent = try await tasks.find(id: id) }
                if let id = task.request.endGenerationID { end = try await tasks.find(id: id) }
                let upstreamID = try await channel.submit(task, parent: parent, end: end)
                var submitted = task
                submitted.upstreamID = upstreamID
                try await tasks.recordSubmission(
                    id: task.id, owner: workerID, upstreamID: upstreamID,
                    nextPollAt: channel.nextPoll(for: submitted, after: .queued, now: now()).millis)
                return
            }
            let snapshot = try await channel.fetch(task)
            let nextPoll = channel.nextPoll(for: task, after: snapshot, now: now())
            if try await !apply(snapshot, to: task, nextPoll: nextPoll) {
                try await tasks.reschedule(id: task.id, owner: workerID, nextPollAt: nextPoll.millis)
            }
        } catch let error as UpstreamError where !error.isRetryable {
            try? await fail(task, reason: Self.failureReason(error))
        } catch {
            var delay = settings.retrySeconds
            if case UpstreamError.rateLimited(let retryAfter?) = error { delay = max(retryAfter, 0.1) }
            logger.warning("task \(task.id) on \(task.channel): \(error); retrying in \(delay)s")
            try? await tasks.reschedule(id: task.id, owner: workerID, nextPollAt: now().addingTimeInterval(delay).millis)
        }
    }

    /// Applies what an upstream said about `task` outside a poll (a callback). Transitions are
    /// compare-and-set, so duplicated, late or out-of-order reports change nothing.
    public func receive(_ snapshot: UpstreamSnapshot, for task: VideoTask) async {
        guard let channel = channels[task.channel] else { return }
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
            _ = try await tasks.transition(id: task.id, from: .pending, to: .processing,
                                           changes: .init(nextPollAtMillis: nextPoll.millis), reason: "upstream is generating", at: at)
        case (.completed(let media), .pending), (.completed(let media), .processing):
            // Clients see every state: a task finished between two polls still passes processing.
            // (If that step loses a race, the task is processing already or finished; either way the
            // next step is right or harmless.)
            if task.state == .pending {
                _ = try await tasks.transition(id: task.id, from: .pending, to: .processing, changes: .init(),
                                               reason: "upstream is generating", at: at)
            }
            _ = try await tasks.transition(id: task.id, from: .processing, to: .completed,
                                           changes: .init(media: media), reason: "upstream finished the video", at: at)
        case (.failed(let reason), .pending), (.failed(let reason), .processing):
            try await fail(task, reason: reason)
        default:
            return false
        }
        return true
    }

    private func fail(_ task: VideoTask, reason: String) async throws {
        _ = try await tasks.transition(id: task.id, from: task.state, to: .failed,
                                       changes: .init(failureReason: reason), reason: reason, at: now().millis)
    }

    /// A sentence for the client when the upstream refuses for good.
    static func failureReason(_ error: UpstreamError) -> String {
        switch error {
        case .rejected(let reason): "Luma refused this request: \(reason)."
        case .notFound: "Luma no longer knows this generation; submit the task again."
        default: "The upstream failed: \(error)."
        }
    }

    private static func duration(_ seconds: Double) -> String {
        seconds >= 3600 && seconds.truncatingRemainder(dividingBy: 3600) == 0 ? "\(Int(seconds / 3600)) h"
            : seconds >= 60 ? "\(Int(seconds / 60)) min" : "\(Int(seconds)) s"
    }
}
