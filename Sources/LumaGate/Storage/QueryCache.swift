import Synchronization

/// The poll path's answers kept in memory: tokens by their secret's hash and tasks' stored relay
/// views by id, bounded in bytes (the oldest entries go first). An entry lives until its row
/// changes: the store records every change of a view or token row (`M0013`), and a change feed
/// (`SQLiteChangeFeed`, `PostgresChangeFeed`) hands each to `forget`, for this process's writes
/// before the write returns, for other processes' within a bound.
///
/// A read that raced a change must not put the old value back: a reader takes a `ticket` before
/// it reads the store and `keep` refuses the value if the key was forgotten after that ticket.
final class QueryCache: Sendable {
    enum Entry: Sendable {
        case token(APIToken)
        case view(tokenID: String, view: String)
    }

    private struct State {
        var entries: [String: (entry: Entry, cost: Int)] = [:]
        /// Keys in the order they were kept, oldest first, from `head` on (stale keys are skipped).
        var order: [String] = []
        var head = 0
        var bytes = 0
        /// Bumped by every change; a ticket is its value when taken.
        var clock: UInt64 = 0
        /// When each recently changed key changed; keys older than `floor` are no longer listed,
        /// so a ticket before `floor` is refused for any key.
        var changed: [String: UInt64] = [:]
        var floor: UInt64 = 0
        /// Off while a feed cannot vouch for what it missed.
        var active = false
    }

    private let state = Mutex(State())
    let maxBytes: Int
    private static let maxChangedKeys = 100_000

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    static func tokenKey(secretHash: String) -> String { "token:" + secretHash }
    static func viewKey(taskID: String) -> String { "task:" + taskID }

    func ticket() -> UInt64 {
        state.withLock { $0.clock }
    }

    func entry(_ key: String) -> Entry? {
        state.withLock { $0.active ? $0.entries[key]?.entry : nil }
    }

    /// `entry` for many keys under one lock (a batch query asks for up to a hundred).
    func entries(_ keys: [String]) -> [Entry?] {
        state.withLock { state in state.active ? keys.map { state.entries[$0]?.entry } : Array(repeating: nil, count: keys.count) }
    }

    /// Keeps `entry` read after `ticket` was taken, unless its key changed since.
    func keep(_ entry: Entry, for key: String, ticket: UInt64) {
        let cost = key.utf8.count + 96 + {
            switch entry {
            case .token: 256
            case .view(let tokenID, let view): tokenID.utf8.count + view.utf8.count
            }
        }()
        guard cost <= maxBytes / 4 else { return }
        state.withLock { state in
            guard state.active, ticket >= (state.changed[key] ?? state.floor) else { return }
            if let old = state.entries.updateValue((entry, cost), forKey: key) {
                state.bytes -= old.cost
            } else {
                state.order.append(key)
            }
            state.bytes += cost
            while state.bytes > maxBytes, state.head < state.order.count {
                let oldest = state.order[state.head]
                state.head += 1
                if let gone = state.entries.removeValue(forKey: oldest) { state.bytes -= gone.cost }
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }

    /// Drops what is kept for `keys` (`task:<id>`, `token:<hash>`): their rows changed.
    func forget(_ keys: some Sequence<String>) {
        state.withLock { state in
            state.clock += 1
            for key in keys {
                if let gone = state.entries.removeValue(forKey: key) { state.bytes -= gone.cost }
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
        state.withLock { state in
            state.clock += 1
            state.floor = state.clock
            state.changed.removeAll()
            state.entries.removeAll()
            state.order.removeAll()
            state.head = 0
            state.bytes = 0
            state.active = active
        }
    }

    /// Kept entries and their bytes, for `/metrics`.
    var size: (entries: Int, bytes: Int) {
        state.withLock { ($0.entries.count, $0.bytes) }
    }
}
