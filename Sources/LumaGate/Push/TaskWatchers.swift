import Synchronization

/// Whoever waits for a task to change: a long-poll held on it, a stream following it. The store's
/// change feed (the same one that keeps the query cache true) wakes them for every change any
/// process commits, this one's before its write returns, others' within the feed's bound. Waiting
/// costs no timer or task of its own: one sweeper wakes the waiters whose deadline passed.
///
/// A change between a waiter's read and its wait is not missed: the waiter takes a `ticket`
/// before it reads, and a wait since that ticket returns at once if the task changed after it.
///
/// A stream of all of a token's tasks subscribes instead: the changes of the token's tasks are
/// collected for it between its reads, whether or not it waits.
final class TaskWatchers: Sendable {
    fileprivate struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        var deadline: ContinuousClock.Instant
    }

    fileprivate enum Due {
        case waiter(TaskIDKey, UInt64)
        case subscriber(UInt64)
    }

    fileprivate struct Subscriber {
        let tokenID: String
        /// Ids of the token's tasks that changed since the subscriber last took them.
        var changed: [String] = []
        /// Set when changes may have been missed: the feed started again, or `changed` overflowed.
        var lost = false
        var cancelled = false
        var waiting: (continuation: CheckedContinuation<Void, Never>, deadline: ContinuousClock.Instant)?
    }

    fileprivate struct State {
        var waiters: [TaskIDKey: [UInt64: Waiter]] = [:]
        var count = 0
        var nextID: UInt64 = 0
        /// Waiters between taking their id and waiting, and those of them cancelled meanwhile.
        var pending: Set<UInt64> = []
        var cancelled: Set<UInt64> = []
        /// Set while the sweeper runs; it stops when no one waits.
        var sweeping = false
        /// Who waits until when, by the sweep tick their deadline falls in, so a sweep looks only
        /// at the waits that are due (entries for waits already woken are skipped then).
        var due: [Int64: [Due]] = [:]
        /// The last tick swept; nil while no sweeper runs.
        var swept: Int64?
        /// Bumped by every change; a ticket is its value when taken.
        var clock: UInt64 = 0
        /// When each recently changed task changed; tasks older than `floor` are no longer listed,
        /// so a wait since a ticket before `floor` returns at once.
        var changed: [TaskIDKey: UInt64] = [:]
        var floor: UInt64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
        var subscribersByToken: [String: Set<UInt64>] = [:]
    }

    /// Changes collected for one subscriber before it is told it lost some instead.
    static let maxCollected = 10_000

    /// Changed tasks remembered for tickets (about 3 MiB at most).
    static let maxChangedTasks = 65_536

    private let state = Mutex(State())
    /// How late a passed deadline may be noticed.
    static let sweepInterval: Duration = .milliseconds(50)

    /// How many wait now.
    var count: Int { state.withLock { $0.count } }

    /// Taken before reading a task that will be waited on.
    func ticket() -> UInt64 {
        state.withLock { $0.clock }
    }

    /// Waits until the task `id` changes after `ticket` (true; at once if it already has) or
    /// `deadline` passes (false). A cancelled caller (its client gone, the gateway shutting down)
    /// stops waiting at once.
    func wait(for id: String, since ticket: UInt64, until deadline: ContinuousClock.Instant) async -> Bool {
        guard let key = TaskIDKey(id) else {
            try? await Task.sleep(until: deadline)
            return false
        }
        let waiterID = state.withLock { state in
            state.nextID += 1
            state.pending.insert(state.nextID)
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (outcome, startSweeper) = state.withLock { state -> (Bool?, Bool) in
                    state.pending.remove(waiterID)
                    if state.cancelled.remove(waiterID) != nil { return (false, false) }
                    if (state.changed[key] ?? state.floor) > ticket { return (true, false) }
                    state.waiters[key, default: [:]][waiterID] = Waiter(continuation: continuation, deadline: deadline)
                    state.schedule(.waiter(key, waiterID), at: deadline)
                    state.count += 1
                    defer { state.sweeping = true }
                    return (nil, !state.sweeping)
                }
                if let outcome { return continuation.resume(returning: outcome) }
                if startSweeper { Task { await sweep() } }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if state.pending.contains(waiterID) {
                    state.cancelled.insert(waiterID)
                    return nil
                }
                guard let waiter = state.waiters[key]?.removeValue(forKey: waiterID) else { return nil }
                if state.waiters[key]?.isEmpty == true { state.waiters[key] = nil }
                state.count -= 1
                return waiter
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Wakes the waiters of every task among `loggedKeys` (`task:<id> <owner>`, as the change log
    /// writes them) and collects the ids for its owner's subscribers.
    func changed(_ loggedKeys: some Sequence<String>) {
        let (woken, subscribers) = state.withLock { state -> ([Waiter], [CheckedContinuation<Void, Never>]) in
            state.clock += 1
            var woken: [Waiter] = []
            var subscribers: [CheckedContinuation<Void, Never>] = []
            for logged in loggedKeys where logged.hasPrefix("task:") {
                let parts = logged.dropFirst(5).split(separator: " ", maxSplits: 1)
                guard let first = parts.first, let key = TaskIDKey(String(first)) else { continue }
                state.changed[key] = state.clock
                if parts.count == 2 {
                    for id in (state.subscribersByToken[String(parts[1])] ?? []).union(state.subscribersByToken[Self.everyToken] ?? []) {
                        subscribers += state.collect(String(first), for: id)
                    }
                }
                guard let waiters = state.waiters.removeValue(forKey: key) else { continue }
                woken += waiters.values
                state.count -= waiters.count
            }
            if state.changed.count > Self.maxChangedTasks {
                state.changed.removeAll(keepingCapacity: true)
                state.floor = state.clock
            }
            return (woken, subscribers)
        }
        for waiter in woken { waiter.continuation.resume(returning: true) }
        for subscriber in subscribers { subscriber.resume() }
    }

    /// What `subscribe` takes to hear of every token's tasks (an operator's view).
    static let everyToken = "*"

    /// Subscribes to the changes of `tokenID`'s tasks (`everyToken`: of all tasks); `changes(for:)` takes them.
    func subscribe(tokenID: String) -> UInt64 {
        state.withLock { state in
            state.nextID += 1
            state.subscribers[state.nextID] = Subscriber(tokenID: tokenID)
            state.subscribersByToken[tokenID, default: []].insert(state.nextID)
            return state.nextID
        }
    }

    func unsubscribe(_ subscription: UInt64) {
        state.withLock { state in
            guard let subscriber = state.subscribers.removeValue(forKey: subscription) else { return }
            state.subscribersByToken[subscriber.tokenID]?.remove(subscription)
            if state.subscribersByToken[subscriber.tokenID]?.isEmpty == true { state.subscribersByToken[subscriber.tokenID] = nil }
        }
    }

    /// The ids of the subscription's tasks that changed since it last asked, in the order they
    /// changed, waiting for one until `deadline` (then none); nil when some may have been missed,
    /// so the subscriber reads whatever changed since it last looked. A cancelled caller gets none.
    func changes(for subscription: UInt64, until deadline: ContinuousClock.Instant) async -> [String]? {
        await withTaskCancellationHandler {
            let taken = state.withLock { state in state.take(for: subscription) }
            if taken.map({ !$0.isEmpty }) ?? true { return taken }
            await withCheckedContinuation { continuation in
                let (waits, startSweeper) = state.withLock { state -> (Bool, Bool) in
                    guard var subscriber = state.subscribers[subscription], !subscriber.cancelled,
                        subscriber.changed.isEmpty, !subscriber.lost
                    else { return (false, false) }
                    subscriber.waiting = (continuation, deadline)
                    state.subscribers[subscription] = subscriber
                    state.schedule(.subscriber(subscription), at: deadline)
                    state.count += 1
                    defer { state.sweeping = true }
                    return (true, !state.sweeping)
                }
                if !waits { return continuation.resume() }
                if startSweeper { Task { await sweep() } }
            }
            return state.withLock { state in state.take(for: subscription) }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.subscribers[subscription]?.cancelled = true
                return state.wake(subscription)
            }
            waiting?.resume()
        }
    }

    /// Wakes everyone: the feed may have missed changes, so each waiter looks again.
    func changedAll() {
        let (woken, subscribers) = state.withLock { state -> ([Waiter], [CheckedContinuation<Void, Never>]) in
            state.clock += 1
            state.floor = state.clock
            state.changed.removeAll()
            let subscribers = state.subscribers.keys.compactMap { id -> CheckedContinuation<Void, Never>? in
                state.subscribers[id]?.lost = true
                return state.wake(id)
            }
            defer { state.waiters = [:] }
            state.count -= state.waiters.values.reduce(0) { $0 + $1.count }
            return (state.waiters.values.flatMap(\.values), subscribers)
        }
        for waiter in woken { waiter.continuation.resume(returning: true) }
        for subscriber in subscribers { subscriber.resume() }
    }

    /// Wakes, unchanged, the waiters whose deadline passed; runs while anyone waits.
    private func sweep() async {
        while true {
            try? await Task.sleep(for: Self.sweepInterval)
            let now = ContinuousClock.now
            let (expired, subscribers, done) = state.withLock { state -> ([Waiter], [CheckedContinuation<Void, Never>], Bool) in
                var expired: [Waiter] = []
                var subscribers: [CheckedContinuation<Void, Never>] = []
                // Only ticks that have ended: a deadline is noticed late (by a tick or two), never early.
                let ended = State.tick(of: now) - 1
                var swept = state.swept ?? (state.due.keys.min().map { $0 - 1 } ?? ended)
                while swept < ended {
                    swept += 1
                    state.swept = swept
                    for entry in state.due.removeValue(forKey: swept) ?? [] {
                        switch entry {
                        case .waiter(let key, let id):
                            guard let waiter = state.waiters[key]?[id] else { continue }
                            state.waiters[key]?[id] = nil
                            if state.waiters[key]?.isEmpty == true { state.waiters[key] = nil }
                            state.count -= 1
                            expired.append(waiter)
                        case .subscriber(let id):
                            // An entry of an earlier wait of the same subscriber is not this wait's.
                            guard state.subscribers[id]?.waiting.map({ $0.deadline <= now }) == true else { continue }
                            if let continuation = state.wake(id) { subscribers.append(continuation) }
                        }
                    }
                }
                if state.count == 0 { (state.sweeping, state.due, state.swept) = (false, [:], nil) }
                return (expired, subscribers, state.count == 0)
            }
            for waiter in expired { waiter.continuation.resume(returning: false) }
            for subscriber in subscribers { subscriber.resume() }
            if done { return }
        }
    }
}

extension TaskWatchers.State {
    /// The sweep tick a deadline falls in: a wait is woken at the first sweep after its tick ends.
    fileprivate static func tick(of instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (instant - origin).components
        return seconds * 20 + attoseconds / 50_000_000_000_000_000
    }

    private static let origin = ContinuousClock.now

    fileprivate mutating func schedule(_ entry: TaskWatchers.Due, at deadline: ContinuousClock.Instant) {
        // A deadline in a tick already swept (one in the past) goes to the next sweep.
        let tick = max(Self.tick(of: deadline), (swept ?? Int64.min + 1) + 1)
        due[tick, default: []].append(entry)
    }

    /// Adds a changed task's id to a subscriber's, and returns its continuation if it waits.
    fileprivate mutating func collect(_ taskID: String, for subscription: UInt64) -> [CheckedContinuation<Void, Never>] {
        guard var subscriber = subscribers[subscription] else { return [] }
        if subscriber.changed.count < TaskWatchers.maxCollected {
            subscriber.changed.append(taskID)
        } else {
            (subscriber.changed, subscriber.lost) = ([], true)
        }
        subscribers[subscription] = subscriber
        return wake(subscription).map { [$0] } ?? []
    }

    /// Stops a subscriber's wait, if it waits, and returns its continuation.
    fileprivate mutating func wake(_ subscription: UInt64) -> CheckedContinuation<Void, Never>? {
        guard let waiting = subscribers[subscription]?.waiting else { return nil }
        subscribers[subscription]?.waiting = nil
        count -= 1
        return waiting.continuation
    }

    /// What a subscriber collected (nil if it lost some), leaving it empty.
    fileprivate mutating func take(for subscription: UInt64) -> [String]? {
        guard var subscriber = subscribers[subscription], !subscriber.cancelled else { return [] }
        defer { subscribers[subscription] = subscriber }
        if subscriber.lost {
            (subscriber.changed, subscriber.lost) = ([], false)
            return nil
        }
        defer { subscriber.changed = [] }
        return subscriber.changed
    }
}
