import Foundation
import Logging
import ServiceLifecycle

/// Listens to the upstreams that push news of their generations (a ComfyUI machine's socket): a
/// task an upstream says has changed is polled at once, and the progress it reports is stored,
/// so faces and streams show it. Polls still run on their own schedule, so nothing depends on
/// a push arriving.
public final class UpstreamFollower: Service, Sendable {
    let channels: [any UpstreamChannel]
    let tasks: TaskRepository
    let poller: Poller
    let now: @Sendable () -> Date
    let logger: Logger

    public init(channels: [any UpstreamChannel], tasks: TaskRepository, poller: Poller, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.channels = channels
        self.tasks = tasks
        self.poller = poller
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for channel in channels {
                group.addTask { await channel.follow { await self.apply($0) } }
            }
            // It runs until the gateway stops, followers or not: a service that returns stops them all.
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Applies one report; a store that fails is logged, and the next poll catches up.
    func apply(_ report: UpstreamReport) async {
        do {
            switch report {
            case .changed(let id):
                try await tasks.makeDue(id: id, now: now().millis)
                poller.wakeUp()
            case .progress(let id, let fraction):
                // A task still pending here is running there: polled now, it moves on and the
                // next step is recorded.
                if try await !tasks.recordProgress(id: id, progress: fraction, at: now().millis) {
                    try await tasks.makeDue(id: id, now: now().millis)
                    poller.wakeUp()
                }
            }
        } catch {
            logger.warning("could not apply an upstream's report (\(report)): \(error)")
        }
    }
}
