import Synchronization

/// Whoever waits for a task to change: a long-poll held on it, a stream following it. The store's
/// change feed (the same one that keeps the query cache true) wakes them for every change any
/// process commits, this one's before its write returns, others' within the feed's bound. Waiting
/// costs no timer or task of its own: one sweeper wakes the waiters whose deadline passed.
///
/// A change between a waiter's read and its wait is not missed: the waiter takes a `ticket`
/// before it reads, and a wait since that ticket returns at once if the task changed after it.
final class TaskWatchers: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        var deadline: ContinuousClock.Instant
    }

    private struct State {
        var waiters: [TaskIDKey: [UInt64: Waiter]] = [:]
        var count = 0
        var nextID: UInt64 = 0
        /// Waiters between taking their id and waiting, and those of them cancelled meanwhile.
        var pending: Set<UInt64> = []
        var cancelled: Set<UInt64> = []
        /// Set while the sweeper runs; it stops when no one waits.
        var sweeping = false
        /// Bumped by every change; a ticket is its value when taken.
        var clock: UInt64 = 0
        /// When each recently changed task changed; tasks older than `floor` are no longer listed,
        /// so a wait since a ticket before `floor` returns at once.
        var changed: [TaskIDKey: UInt64] = [:]
        var floor: UInt64 = 0
    }

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

    /// Wakes the waiters of every task among `loggedKeys` (`task:<id>`, as the change log writes them).
    func changed(_ loggedKeys: some Sequence<String>) {
        let woken = state.withLock { state -> [Waiter] in
            state.clock += 1
            var woken: [Waiter] = []
            for logged in loggedKeys where logged.hasPrefix("task:") {
                guard let key = TaskIDKey(String(logged.dropFirst(5))) else { continue }
                state.changed[key] = state.clock
                guard let waiters = state.waiters.removeValue(forKey: key) else { continue }
                woken += waiters.values
                state.count -= waiters.count
            }
            if state.changed.count > Self.maxChangedTasks {
                state.changed.removeAll(keepingCapacity: true)
                state.floor = state.clock
            }
            return woken
        }
        for waiter in woken { waiter.continuation.resume(returning: true) }
    }

    /// Wakes everyone: the feed may have missed changes, so each waiter looks again.
    func changedAll() {
        let woken = state.withLock { state -> [Waiter] in
            state.clock += 1
            state.floor = state.clock
            state.changed.removeAll()
            defer { (state.waiters, state.count) = ([:], 0) }
            return state.waiters.values.flatMap(\.values)
        }
        for waiter in woken { waiter.continuation.resume(returning: true) }
    }

    /// Wakes, unchanged, the waiters whose deadline passed; runs while anyone waits.
    private func sweep() async {
        while true {
            try? await Task.sleep(for: Self.sweepInterval)
            let now = ContinuousClock.now
            let (expired, done) = state.withLock { state -> ([Waiter], Bool) in
                var expired: [Waiter] = []
                for (key, waiters) in state.waiters {
                    let passed = waiters.filter { $0.value.deadline <= now }
                    guard !passed.isEmpty else { continue }
                    expired += passed.values
                    state.waiters[key] = waiters.count == passed.count ? nil : waiters.filter { $0.value.deadline > now }
                }
                state.count -= expired.count
                if state.count == 0 { state.sweeping = false }
                return (expired, state.count == 0)
            }
            for waiter in expired { waiter.continuation.resume(returning: false) }
            if done { return }
        }
    }
}
