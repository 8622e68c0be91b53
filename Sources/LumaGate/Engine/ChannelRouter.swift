import Foundation
import Logging
import Synchronization

/// Chooses the upstream channel for each new task: the highest priority with room, spread by
/// weight among channels of equal priority, skipping channels that are disabled, cannot carry the
/// request, or do not serve its model. Counts each channel's tasks at the upstream against its
/// cap, and disables a channel whose key is refused again and again.
public final class ChannelRouter: Sendable {
    public struct Entry: Sendable {
        public var channel: any UpstreamChannel
        public var route: ChannelRoute

        public init(channel: any UpstreamChannel, route: ChannelRoute = .init()) {
            self.channel = channel
            self.route = route
        }
    }

    private struct State {
        var routes: [String: ChannelRoute]
        var inFlight: [String: Int] = [:]
        var authFailures: [String: Int] = [:]
        var disabled: [String: String] = [:]
    }

    /// Consecutive 401/403 answers that disable a channel.
    public static let authFailureLimit = 3

    /// The channels it may route to, whatever their state; their routes and states can change.
    public let channels: [any UpstreamChannel]
    /// Which kinds of channel may make each model.
    let models: ModelCatalogue
    private let state: Mutex<State>
    /// Records that the gateway disabled a channel, with the reason.
    private let onDisable: @Sendable (String, String) async -> Void
    let logger: Logger

    /// `disabled` names channels that take no new tasks for now, with why.
    public init(
        entries: [Entry], models: ModelCatalogue = .builtIn, disabled: [String: String] = [:], logger: Logger,
        onDisable: @escaping @Sendable (String, String) async -> Void = { _, _ in }
    ) {
        channels = entries.map(\.channel)
        self.models = models
        state = Mutex(
            State(
                routes: Dictionary(entries.map { ($0.channel.name, $0.route) }, uniquingKeysWith: { first, _ in first }),
                disabled: disabled))
        self.logger = logger
        self.onDisable = onDisable
    }

    /// The channels that could take `request`, best first (room is checked by `reserve`).
    public func candidates(for request: GenerationRequest) -> [any UpstreamChannel] {
        let (routes, disabled) = state.withLock { ($0.routes, $0.disabled) }
        let eligible = channels.compactMap { channel in routes[channel.name].map { (channel: channel, route: $0) } }.filter {
            disabled[$0.channel.name] == nil && canTake(request, on: $0.channel) && $0.route.serves(request)
        }
        // Within one priority, the shortest known queue first, then a weighted random order
        // (Efraimidis–Spirakis keys).
        return Dictionary(grouping: eligible, by: \.route.priority).sorted { $0.key > $1.key }.flatMap { _, group in
            let keyed = group.map { entry -> (channel: any UpstreamChannel, queue: Int, key: Double) in
                let key = pow(Double.random(in: Double.leastNonzeroMagnitude...1), 1 / Double(entry.route.weight))
                return (entry.channel, entry.channel.queueLength ?? 0, key)
            }
            return keyed.sorted { $0.queue != $1.queue ? $0.queue < $1.queue : $0.key > $1.key }.map(\.channel)
        }
    }

    /// Whether `channel` can carry out `request` and may make its model.
    public func canTake(_ request: GenerationRequest, on channel: any UpstreamChannel) -> Bool {
        channel.supports(request) && (channel.drawsEveryModel || models.allows(request, on: channel.kind.rawValue))
    }

    /// Takes up the operator's current settings (read from the store, where any process or command
    /// may have changed them): routing, and enabled or disabled. Channels this router was not
    /// built with are ignored; it returns their names (they need a restart).
    @discardableResult
    public func apply(_ records: [ChannelRecord]) -> [String] {
        let known = Set(channels.map(\.name))
        state.withLock { state in
            for record in records where known.contains(record.name) {
                state.routes[record.name] = record.route
                if record.enabled {
                    if state.disabled.removeValue(forKey: record.name) != nil { state.authFailures[record.name] = 0 }
                } else {
                    state.disabled[record.name] = record.disabledReason ?? "disabled by an operator"
                }
            }
        }
        return records.map(\.name).filter { !known.contains($0) }
    }

    /// Stops routing new tasks to `name` (its tasks in flight still finish there).
    public func disable(_ name: String, reason: String) {
        state.withLock { $0.disabled[name] = reason }
    }

    /// Takes a place for one more task at `name`'s upstream; false when it is full.
    public func reserve(_ name: String) -> Bool {
        state.withLock { state in
            let cap = state.routes[name]?.maxInFlight
            let current = state.inFlight[name, default: 0]
            if let cap, current >= cap { return false }
            state.inFlight[name] = current + 1
            return true
        }
    }

    public func release(_ name: String) {
        state.withLock { $0.inFlight[name] = max($0.inFlight[name, default: 0] - 1, 0) }
    }

    /// Whether any channel caps its tasks at the upstream, so the in-flight counts matter.
    public var capsInFlight: Bool {
        state.withLock { $0.routes.values.contains { $0.maxInFlight != nil } }
    }

    /// Replaces the in-flight counts with the store's, which count every process's tasks.
    public func refresh(inFlight: [String: Int]) {
        state.withLock { $0.inFlight = inFlight }
    }

    public func recordSuccess(_ name: String) {
        state.withLock { $0.authFailures[name] = 0 }
    }

    /// Counts a refused key; the `authFailureLimit`th in a row disables the channel. An account
    /// without balance (402) is disabled at once: it will not pay for the next task either.
    public func recordAuthFailure(_ name: String, status: Int) async {
        let reason =
            status == 402
            ? "its account has no balance left (HTTP 402); top it up, then enable it"
            : "its key was refused (HTTP \(status)) \(Self.authFailureLimit) times in a row; check the key, then enable it"
        let disabledNow = state.withLock { state -> Bool in
            guard state.disabled[name] == nil else { return false }
            state.authFailures[name, default: 0] += 1
            guard status == 402 || state.authFailures[name]! >= Self.authFailureLimit else { return false }
            state.disabled[name] = reason
            return true
        }
        if disabledNow {
            logger.error("channel \(name) disabled: \(reason)")
            await onDisable(name, reason)
        }
    }
}
