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
        var inFlight: [String: Int] = [:]
        var authFailures: [String: Int] = [:]
        var disabled: [String: String] = [:]
    }

    /// Consecutive 401/403 answers that disable a channel.
    public static let authFailureLimit = 3

    let entries: [Entry]
    private let state = Mutex(State())
    /// Records that the gateway disabled a channel, with the reason.
    private let onDisable: @Sendable (String, String) async -> Void
    let logger: Logger

    public init(entries: [Entry], logger: Logger, onDisable: @escaping @Sendable (String, String) async -> Void = { _, _ in }) {
        self.entries = entries.sorted { $0.route.priority > $1.route.priority }
        self.logger = logger
        self.onDisable = onDisable
    }

    /// The channels that could take `request`, best first (room is checked by `reserve`).
    public func candidates(for request: GenerationRequest) -> [any UpstreamChannel] {
        let disabled = state.withLock { $0.disabled }
        let eligible = entries.filter {
            disabled[$0.channel.name] == nil && $0.channel.supports(request) && $0.route.serves(request)
        }
        // Within one priority, a weighted random order (Efraimidis–Spirakis keys).
        return Dictionary(grouping: eligible, by: \.route.priority).sorted { $0.key > $1.key }.flatMap { _, group in
            group.map { ($0, pow(Double.random(in: Double.leastNonzeroMagnitude...1), 1 / Double($0.route.weight))) }
                .sorted { $0.1 > $1.1 }.map(\.0.channel)
        }
    }

    /// Takes a place for one more task at `name`'s upstream; false when it is full.
    public func reserve(_ name: String) -> Bool {
        let cap = entries.first { $0.channel.name == name }?.route.maxInFlight
        return state.withLock { state in
            let current = state.inFlight[name, default: 0]
            if let cap, current >= cap { return false }
            state.inFlight[name] = current + 1
            return true
        }
    }

    public func release(_ name: String) {
        state.withLock { $0.inFlight[name] = max($0.inFlight[name, default: 0] - 1, 0) }
    }

    /// Replaces the in-flight counts with the store's, which count every process's tasks.
    public func refresh(inFlight: [String: Int]) {
        state.withLock { $0.inFlight = inFlight }
    }

    public func recordSuccess(_ name: String) {
        state.withLock { $0.authFailures[name] = 0 }
    }

    /// Counts a refused key; the `authFailureLimit`th in a row disables the channel.
    public func recordAuthFailure(_ name: String, status: Int) async {
        let reason = "its key was refused (HTTP \(status)) \(Self.authFailureLimit) times in a row; check the key, then enable it"
        let disabledNow = state.withLock { state -> Bool in
            guard state.disabled[name] == nil else { return false }
            state.authFailures[name, default: 0] += 1
            guard state.authFailures[name]! >= Self.authFailureLimit else { return false }
            state.disabled[name] = reason
            return true
        }
        if disabledNow {
            logger.error("channel \(name) disabled: \(reason)")
            await onDisable(name, reason)
        }
    }
}
