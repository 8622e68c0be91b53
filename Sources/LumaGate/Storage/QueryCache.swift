import Synchronization

/// The poll path's answers kept in memory: tokens by their secret's hash and tasks' stored relay
/// views by id, bounded in bytes (the oldest entries go first). An entry lives until its row
/// changes: the store records every change of a view or token row (`M0013`), and a change feed
/// (`SQLiteChangeFeed`, `PostgresChangeFeed`) hands each to `forget`, for this process's writes
/// before the write returns, for other processes' within a bound.
///
/// A read that raced a change must not put the old value back: a reader takes a `ticket` before
/// it reads the store and `keep` refuses the value if the key was forgotten after that ticket.
///
/// Tokens and views sit in a dictionary each, keyed by the hash or the id's bits alone: a lookup
/// builds no key string (a batch query looks up twenty views).
///
/// A view is kept only when it is asked for the second time while its id is still remembered
/// (`admitted`): a task a client polls is asked for again within seconds, while in a store far
/// larger than the cache most reads are of tasks nobody asks for twice, and keeping each of them
/// would only push out another (at a million tasks, a tenth of a batch query's time went to
/// keeping and dropping views that were never read again).
final class QueryCache: Sendable {
    enum Key: Hashable, Sendable {
        case token(secretHash: String)
        case view(TaskIDKey)

        /// A key as the stores' change log writes it: `token:<hash>` or `task:<id> <owner>`.
        init?(logged: String) {
            if logged.hasPrefix("task:") {
                guard let id = TaskIDKey(String(logged.dropFirst(5).prefix { $0 != " " })) else { return nil }
                self = .view(id)
            } else if logged.hasPrefix("token:") {
                self = .token(secretHash: String(logged.dropFirst(6)))
            } else {
                return nil
            }
        }
    }

    private struct State {
        var tokens: [String: (token: APIToken, cost: Int)] = [:]
        var views: [TaskIDKey: (view: OwnedView, cost: Int)] = [:]
        /// Keys in the order they were kept, oldest first, from `head` on (stale keys are skipped).
        var order: [Key] = []
        var head = 0
        var bytes = 0
        /// Bumped by every change; a ticket is its value when taken.
        var clock: UInt64 = 0
        /// When each recently changed key changed; keys older than `floor` are no longer listed,
        /// so a ticket before `floor` is refused for any key.
        var changed: [Key: UInt64] = [:]
        var floor: UInt64 = 0
        /// Off while a feed cannot vouch for what it missed.
        var active = false
        /// Hashes of views asked for once, one per slot (a later id with the same slot takes it).
        var askedOnce = [Int](repeating: 0, count: QueryCache.rememberedViews)

        /// Whether the view of `id` was asked for before; if not, it is remembered now.
        mutating func admitted(_ id: TaskIDKey) -> Bool {
            let hash = id.hashValue | 1
            let slot = Int(UInt(bitPattern: hash) % UInt(askedOnce.count))
            if askedOnce[slot] == hash { return true }
            askedOnce[slot] = hash
            return false
        }

        /// Drops `key`'s entry and its bytes; false when nothing was kept for it.
        @discardableResult mutating func remove(_ key: Key) -> Bool {
            let cost: Int?
            switch key {
            case .token(let hash): cost = tokens.removeValue(forKey: hash)?.cost
            case .view(let id): cost = views.removeValue(forKey: id)?.cost
            }
            bytes -= cost ?? 0
            return cost != nil
        }
    }

    private let state = Mutex(State())
    let maxBytes: Int
    private static let maxChangedKeys = 100_000
    /// Ids remembered for `admitted` (512 KiB): an id asked for once most likely stays remembered
    /// while up to tens of thousands of other ids are asked for, time enough for a client's next poll.
    static let rememberedViews = 65_536

    /// Woken by the same changes the cache forgets.
    let watchers = TaskWatchers()

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    func ticket() -> UInt64 {
        state.withLock { $0.clock }
    }

    func token(secretHash: String) -> APIToken? {
        state.withLock { $0.active ? $0.tokens[secretHash]?.token : nil }
    }

    func view(taskID: String) -> OwnedView? {
        guard let id = TaskIDKey(taskID) else { return nil }
        return state.withLock { $0.active ? $0.views[id]?.view : nil }
    }

    /// `view` for many tasks under one lock (a batch query asks for up to a hundred).
    func views(taskIDs: [String]) -> [OwnedView?] {
        let ids = taskIDs.map(TaskIDKey.init)
        return state.withLock { state in
            state.active ? ids.map { $0.flatMap { state.views[$0]?.view } } : Array(repeating: nil, count: ids.count)
        }
    }

    /// Keeps `token`, read after `ticket` was taken, unless its row changed since.
    func keep(_ token: APIToken, secretHash: String, ticket: UInt64) {
        keep(.token(secretHash: secretHash), cost: secretHash.utf8.count + 96 + 256, ticket: ticket) { $0.tokens[secretHash] = (token, $1) }
    }

    /// Keeps a task's view, read after `ticket` was taken, unless its row changed since.
    func keep(_ view: OwnedView, taskID: String, ticket: UInt64) {
        guard let id = TaskIDKey(taskID) else { return }
        let cost = taskID.utf8.count + 96 + view.tokenID.utf8.count + view.view.utf8.count
        keep(.view(id), cost: cost, ticket: ticket) { $0.views[id] = (view, $1) }
    }

    private func keep(_ key: Key, cost: Int, ticket: UInt64, insert: (inout State, Int) -> Void) {
        guard cost <= maxBytes / 4 else { return }
        state.withLock { state in
            guard state.active, ticket >= (state.changed[key] ?? state.floor) else { return }
            if case .view(let id) = key, !state.admitted(id) { return }
            // A key kept again keeps its first place in `order`; it goes when that place comes up.
            let wasKept = state.remove(key)
            insert(&state, cost)
            if !wasKept { state.order.append(key) }
            state.bytes += cost
            while state.bytes > maxBytes, state.head < state.order.count {
                let oldest = state.order[state.head]
                state.head += 1
                state.remove(oldest)
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }

    /// Drops what is kept for `loggedKeys` (`task:<id> <owner>`, `token:<hash>`): their rows changed.
    func forget(_ loggedKeys: some Sequence<String>) {
        defer { watchers.changed(loggedKeys) }
        state.withLock { state in
            state.clock += 1
            for key in loggedKeys.lazy.compactMap(Key.init(logged:)) {
                state.remove(key)
                state.changed[key] = state.clock
            }
            if state.changed.count > Self.maxChangedKeys {
                state.changed.removeAll(keepingCapacity: true)
                state.floor = state.clock
            }
        }
    }

    /// Drops everything and serves again (`active`) or not: a feed that may have missed changes
    /// starts from nothing.
    func reset(active: Bool) {
        defer { watchers.changedAll() }
        state.withLock { state in
            state.clock += 1
            state.floor = state.clock
            state.changed.removeAll()
            state.tokens.removeAll()
            state.views.removeAll()
            state.order.removeAll()
            state.head = 0
            state.bytes = 0
            state.active = active
        }
    }

    /// Kept entries and their bytes, for `/metrics`.
    var size: (entries: Int, bytes: Int) {
        state.withLock { ($0.tokens.count + $0.views.count, $0.bytes) }
    }
}
