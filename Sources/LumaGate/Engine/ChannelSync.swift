import Logging
import ServiceLifecycle

/// Keeps the router in step with the channels in the store, where an operator (`/admin`,
/// `lumagate channel`) or another process may enable, disable, re-route or remove them: every
/// process follows within one interval, without a restart. A channel added after start (or
/// removed and added again) is only logged, since building one needs the start-up wiring; it is
/// used after a restart.
public struct ChannelSync: Service {
    let channels: ChannelRepository
    let router: ChannelRouter
    /// The stored channels the router was built with (not the one from the environment).
    let storedAtStart: Set<String>
    let interval: Duration
    let logger: Logger

    public init(channels: ChannelRepository, router: ChannelRouter, storedAtStart: Set<String>, interval: Duration, logger: Logger) {
        self.channels = channels
        self.router = router
        self.storedAtStart = storedAtStart
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var removed: Set<String> = []
        var waitingForRestart: Set<String> = []
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: interval) })) != nil {
            do {
                let records = try await channels.all()
                let names = Set(records.map(\.name))
                for name in storedAtStart.subtracting(names).subtracting(removed) {
                    router.disable(name, reason: "removed from the store")
                    removed.insert(name)
                }
                let unbuilt = Set(router.apply(records.filter { !removed.contains($0.name) })).union(removed.intersection(names))
                for name in unbuilt.subtracting(waitingForRestart).sorted() {
                    logger.notice("channel \(name) was added; restart serve to use it")
                }
                waitingForRestart = unbuilt
            } catch {
                logger.warning("could not read the channels: \(error)")
            }
        }
    }
}
