/// A fixed number of slots for child processes (ffmpeg), shared by everything that starts one:
/// background renders wait as long as it takes, a request waits a bounded time and is answered
/// 503 without one, so no burst of requests starts more processes than the machine has cores.
/// A freed slot goes to the longest-waiting request before any background run: a client is
/// waiting on the one, nobody on the other.
actor ProcessSlots {
    private var available: Int
    private var waiters: [(id: UInt64, bounded: Bool, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextWaiter: UInt64 = 0

    init(count: Int) {
        precondition(count > 0)
        available = count
    }

    /// Takes a slot; false when `limit` passed first (nil waits as long as it takes).
    func acquire(within limit: Duration?) async -> Bool {
        if available > 0 {
            available -= 1
            return true
        }
        let id = nextWaiter
        nextWaiter += 1
        if let limit {
            Task {
                try? await Task.sleep(for: limit)
                self.expire(id)
            }
        }
        return await withCheckedContinuation { waiters.append((id, limit != nil, $0)) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.remove(at: waiters.firstIndex(where: \.bounded) ?? 0).continuation.resume(returning: true)
        }
    }

    private func expire(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }
}
