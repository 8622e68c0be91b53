import Foundation
import Logging

/// Sandbox renders run here, apart from the poller: a poll starts a task's render and comes back
/// at once, and later polls pick up the result, so a slow render holds up no other task. At most
/// `workers` run at once and at most one per token, so one client's renders leave the other
/// workers to everyone else.
///
/// Processes that share the media store (several gateways on one PostgreSQL, with one media folder
/// or one bucket) see one another's renders through two markers beside the task's media: `.rendering` while one runs, naming the
/// process and touched every few seconds (one that died mid-render leaves a marker that goes
/// stale within `staleAfter`), and `.render-failed` with
/// the reason once one failed; so a render is never started twice, nor a failed one tried again.
/// With a store of its own (SQLite), a marker from any other process is a previous life's.
actor RenderJobs {
    enum Poll {
        case running
        case finished(Result<TaskMedia, RenderFailure>)
    }

    /// Why a render failed, in words for the client; the details went to the log.
    struct RenderFailure: Error {
        var reason: String
    }

    let store: MediaStore
    /// Whether other live processes may render into the same media folder.
    let sharesMedia: Bool
    let staleAfter: TimeInterval
    let logger: Logger
    private let limiter: FairLimiter
    private var finished: [String: (result: Result<TaskMedia, RenderFailure>, at: Date)] = [:]
    private var running: Set<String> = []
    private let processID = UUID().uuidString

    init(store: MediaStore, sharesMedia: Bool, workers: Int, staleAfter: TimeInterval, logger: Logger) {
        self.store = store
        self.sharesMedia = sharesMedia
        self.staleAfter = staleAfter
        self.logger = logger
        self.limiter = FairLimiter(total: workers, perKey: 1)
    }

    /// Where `taskID`'s render stands; starts it (with `render`) when none has started anywhere.
    func poll(taskID: String, tokenID: String, render: @escaping @Sendable () async throws -> TaskMedia) async -> Poll {
        if let done = finished.removeValue(forKey: taskID) { return .finished(done.result) }
        if running.contains(taskID) { return .running }
        // Claimed before the first wait, so a poll arriving meanwhile does not start it twice.
        running.insert(taskID)
        let directory = store.taskDirectory(taskID)
        let (failedMarker, marker) = (directory + "/" + Self.failedMarker, directory + "/" + Self.runningMarker)
        if let reason = await store.readMarker(failedMarker)?.text {
            running.remove(taskID)
            return .finished(.failure(RenderFailure(reason: reason)))
        }
        if sharesMedia, let owner = await store.readMarker(marker), owner.text != processID, Date().timeIntervalSince(owner.written) < staleAfter {
            running.remove(taskID)
            return .running
        }
        await store.writeMarker(marker, processID)
        let (limiter, heartbeat, store, processID) = (self.limiter, staleAfter / 3, self.store, self.processID)
        Task {
            let beating = Task {
                while (try? await Task.sleep(for: .seconds(heartbeat))) != nil {
                    await store.writeMarker(marker, processID)
                }
            }
            let result: Result<TaskMedia, RenderFailure> = await limiter.holding(tokenID) {
                do {
                    return .success(try await render())
                } catch {
                    return .failure(self.failure(error, taskID: taskID))
                }
            }
            beating.cancel()
            if case .failure(let failure) = result {
                await store.writeMarker(failedMarker, failure.reason)
            }
            await store.removeMarker(marker)
            self.finish(taskID, result)
        }
        return .running
    }

    private func finish(_ taskID: String, _ result: Result<TaskMedia, RenderFailure>) {
        running.remove(taskID)
        // A result no poll collects (its task was deleted, or another process finished it) is
        // dropped after a while.
        let now = Date()
        finished = finished.filter { now.timeIntervalSince($0.value.at) < 600 }
        finished[taskID] = (result, now)
    }

    nonisolated private func failure(_ error: any Error, taskID: String) -> RenderFailure {
        logger.warning("task \(taskID): sandbox render failed: \(error)")
        if let failure = error as? FFmpeg.Failure, failure.timedOut {
            return RenderFailure(reason: "The sandbox stopped rendering this task because it took longer than its time limit.")
        }
        return RenderFailure(reason: "The sandbox could not render this task.")
    }

    static let runningMarker = ".rendering"
    static let failedMarker = ".render-failed"
}
