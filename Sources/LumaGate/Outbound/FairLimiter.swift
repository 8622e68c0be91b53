/// At most `total` holders at once, and at most `perKey` of them with one key (a client's token):
/// one client holding its share cannot make another wait for a slot. A freed slot goes to the
/// longest waiter whose key is under its share.
actor FairLimiter {
    let total: Int
    let perKey: Int
    private var running = 0
    private var runningByKey: [String: Int] = [:]
    private var waiters: [(key: String, continuation: CheckedContinuation<Void, Never>)] = []

    init(total: Int, perKey: Int) {
        precondition(total > 0 && perKey > 0)
        self.total = total
        self.perKey = min(perKey, total)
    }

    /// Runs `body` holding a slot for `key`.
    func holding<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func canStart(_ key: String) -> Bool {
        running < total && runningByKey[key, default: 0] < perKey
    }

    private func start(_ key: String) {
        running += 1
        runningByKey[key, default: 0] += 1
    }

    private func acquire(_ key: String) async {
        // Every waiter is held by its own share or by the total, so a key that can start now
        // passes no one who could.
        if canStart(key) {
            start(key)
            return
        }
        await withCheckedContinuation { waiters.append((key, $0)) }
    }

    private func release(_ key: String) {
        running -= 1
        runningByKey[key, default: 1] -= 1
        if runningByKey[key] == 0 { runningByKey[key] = nil }
        while let index = waiters.firstIndex(where: { canStart($0.key) }) {
            let waiter = waiters.remove(at: index)
            start(waiter.key)
            waiter.continuation.resume()
        }
    }
}
