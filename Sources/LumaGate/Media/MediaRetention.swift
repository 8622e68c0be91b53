import Foundation
import Logging
import ServiceLifecycle

/// Forgets media after `--media-retention-days`: finished tasks whose files were made longer ago
/// are taken a batch at a time, each marked expired (every face then says its media is gone)
/// and only then its files deleted, from the folder or the bucket, with the images it was made
/// from. Several processes may sweep at once: marking is compare-and-set, so each task is
/// handled by one. A crash between the mark and the deletion leaves files no task names.
public struct MediaRetention: Service {
    let tasks: TaskRepository
    let store: MediaStore
    let retentionSeconds: Double
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    static let batchSize = 100

    public init(
        tasks: TaskRepository, store: MediaStore, retentionDays: Double, interval: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.tasks = tasks
        self.store = store
        self.retentionSeconds = retentionDays * 86400
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        await Rounds.run(every: interval, logger: logger, failure: "media retention") {
            let expired = try await sweepOnce()
            if expired > 0 { logger.info("media retention: deleted the media of \(expired) tasks") }
        }
    }

    /// Expires every task whose media is older than the retention; returns how many.
    @discardableResult
    public func sweepOnce() async throws -> Int {
        let cutoff = now().addingTimeInterval(-retentionSeconds).millis
        var expired = 0
        while true {
            let batch = try await tasks.holdingMedia(before: cutoff, limit: Self.batchSize)
            var expiredNow = 0
            for task in batch {
                guard try await tasks.expireMedia(of: task, at: now().millis) != nil else { continue }
                await store.deleteMedia(of: task)
                expiredNow += 1
            }
            expired += expiredNow
            if batch.count < Self.batchSize || expiredNow == 0 { return expired }
        }
    }
}
