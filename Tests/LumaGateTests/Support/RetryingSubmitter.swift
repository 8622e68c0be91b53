import Foundation
import Synchronization

/// Submits tasks from several workers to gateways that may die and come back, the way a careful
/// client does: each submit carries its own Idempotency-Key and is sent again, to whichever
/// gateway is live now, until one answers 200. A submit cut off by a crash is neither lost nor
/// charged twice.
final class RetryingSubmitter: Sendable {
    /// The gateways' base URLs; nil marks one that is down. Change it as servers die and restart.
    let urls: Mutex<[String?]>
    /// How many submits were answered so far.
    var submitted: Int { ids.withLock { $0.count { $0 != nil } } }

    private let count: Int
    private let nextIndex = Mutex(0)
    private let ids: Mutex<[String?]>

    init(count: Int, urls: [String]) {
        self.count = count
        self.urls = Mutex(urls)
        self.ids = Mutex([String?](repeating: nil, count: count))
    }

    /// Sends `count` relay-format submits with `body(index)` and key `"\(keyPrefix)-\(index)"`,
    /// spread round-robin over the live gateways; returns the task ids in submit order.
    func run(workers: Int, token: String, keyPrefix: String, retryDelay: Duration, body: @escaping @Sendable (Int) -> String) async throws -> [String]
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var attempt = worker
                    while let index = self.takeIndex() {
                        while true {
                            attempt += 1
                            let live = self.urls.withLock { $0.compactMap { $0 } }
                            if !live.isEmpty,
                                let reply = try? await TestGateway.request(
                                    .POST, live[attempt % live.count] + "/luma/generations", token: token, json: body(index),
                                    headers: [("Idempotency-Key", "\(keyPrefix)-\(index)")]),
                                reply.status == 200, let id = reply.object["id"] as? String
                            {
                                self.ids.withLock { $0[index] = id }
                                break
                            }
                            try await Task.sleep(for: retryDelay)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return ids.withLock { $0.compactMap { $0 } }
    }

    private func takeIndex() -> Int? {
        nextIndex.withLock { next in
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
