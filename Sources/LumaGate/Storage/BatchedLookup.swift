import Synchronization

/// Serves concurrent lookups by key with as few reads as possible: while `concurrency` reads are
/// under way, newly asked keys wait and then go together in one read. A lone lookup is never
/// delayed. Under load this turns many small queries (each a round trip to the server) into a
/// few larger ones.
final class BatchedLookup<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private typealias Waiter = (key: Key, continuation: CheckedContinuation<Value?, any Error>)

    private struct State {
        var waiting: [Waiter] = []
        var running = 0
    }

    private let state = Mutex(State())
    private let concurrency: Int
    private let maxBatch: Int
    private let read: @Sendable ([Key]) async throws -> [Key: Value]

    init(concurrency: Int, maxBatch: Int = 100, read: @escaping @Sendable ([Key]) async throws -> [Key: Value]) {
        self.concurrency = concurrency
        self.maxBatch = maxBatch
        self.read = read
    }

    func value(for key: Key) async throws -> Value? {
        try await withCheckedThrowingContinuation { continuation in
            let batch: [Waiter]? = state.withLock { state in
                state.waiting.append((key, continuation))
                guard state.running < concurrency else { return nil }
                state.running += 1
                return takeBatch(&state)
            }
            if let batch {
                Task { await self.run(batch) }
            }
        }
    }

    /// Reads `batch`, then keeps reading whatever arrived meanwhile, until nothing waits.
    private func run(_ first: [Waiter]) async {
        var batch = first
        while true {
            do {
                let values = try await read(Array(Set(batch.map(\.key))))
                for waiter in batch { waiter.continuation.resume(returning: values[waiter.key]) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
            let next: [Waiter]? = state.withLock { state in
                guard !state.waiting.isEmpty else {
                    state.running -= 1
                    return nil
                }
                return takeBatch(&state)
            }
            guard let next else { return }
            batch = next
        }
    }

    private func takeBatch(_ state: inout State) -> [Waiter] {
        let count = min(maxBatch, state.waiting.count)
        let batch = Array(state.waiting.prefix(count))
        state.waiting.removeFirst(count)
        return batch
    }
}
