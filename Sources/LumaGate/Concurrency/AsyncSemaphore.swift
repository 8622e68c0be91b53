/// At most `permits` holders at a time for async code, first come, first served. With one
/// permit it is the write lock of the SQLite store (actors alone are re-entrant across `await`,
/// which would let two transactions interleave on one connection). Slots shared fairly between
/// clients are `FairLimiter`'s.
actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        precondition(permits > 0)
        available = permits
    }

    func wait() async {
        guard available == 0 else {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func signal() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding a permit.
    func holding<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await wait()
        defer { signal() }
        return try await body()
    }
}
