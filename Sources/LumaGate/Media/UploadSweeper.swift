import Foundation
import Logging
import ServiceLifecycle

/// Removes uploads older than their lifetime, rows and files, a batch at a time. Tasks made
/// from an upload keep their own copy of its image, so nothing a task shows goes missing.
public struct UploadSweeper: Service {
    let uploads: UploadRepository
    let store: MediaStore
    let limits: UploadLimits
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        uploads: UploadRepository, store: MediaStore, limits: UploadLimits, interval: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.uploads = uploads
        self.store = store
        self.limits = limits
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        await Rounds.run(every: interval, logger: logger, failure: "could not remove expired uploads") { try await sweepOnce() }
    }

    /// Removes every expired upload; returns how many there were.
    @discardableResult
    public func sweepOnce() async throws -> Int {
        let cutoff = now().addingTimeInterval(-Double(limits.lifetimeSeconds)).millis
        var removed = 0
        while true {
            let paths = try await uploads.removeExpired(before: cutoff, now: now().millis, limit: 500)
            for path in paths { await store.delete(path) }
            removed += paths.count
            if paths.count < 500 { return removed }
        }
    }
}
