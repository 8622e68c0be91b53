@testable import LumaGate
import Testing

/// The query cache keeps a view from the second time it is asked for, so reads of tasks nobody
/// asks for again do not push out the ones clients poll; tokens are kept at once.
struct QueryCacheAdmissionTests {
    private func activeCache() -> QueryCache {
        let cache = QueryCache(maxBytes: 1 << 20)
        cache.reset(active: true)
        return cache
    }

    @Test func aViewIsKeptFromItsSecondRead() {
        let cache = activeCache()
        let view: OwnedView = (tokenID: "token-1", view: #"{"id":"task-1"}"#)
        cache.keep(view, taskID: "task-1", ticket: cache.ticket())
        #expect(cache.view(taskID: "task-1") == nil, "read once: not kept")
        cache.keep(view, taskID: "task-1", ticket: cache.ticket())
        #expect(cache.view(taskID: "task-1")?.view == view.view, "read twice: kept")

        // Remembering an id is no licence to keep a value read before its row changed.
        cache.keep((tokenID: "token-1", view: "old"), taskID: "task-2", ticket: cache.ticket())
        let stale = cache.ticket()
        cache.forget(["task:task-2"])
        cache.keep((tokenID: "token-1", view: "old"), taskID: "task-2", ticket: stale)
        #expect(cache.view(taskID: "task-2") == nil)
    }

    @Test func aTokenIsKeptAtOnce() {
        let cache = activeCache()
        let token = APIToken(id: "token-1", name: "kept", createdAtMillis: 0)
        cache.keep(token, secretHash: "hash-1", ticket: cache.ticket())
        #expect(cache.token(secretHash: "hash-1")?.id == "token-1")
    }

    /// Far more distinct tasks read once than the cache remembers keep nothing: each read neither
    /// stays nor pushes out the view a client polls.
    @Test func readsOfManyTasksOnceKeepNothing() {
        let cache = activeCache()
        let polled: OwnedView = (tokenID: "token-1", view: "polled")
        for _ in 0..<2 { cache.keep(polled, taskID: "polled", ticket: cache.ticket()) }
        for n in 0..<(QueryCache.rememberedViews * 4) {
            cache.keep((tokenID: "token-1", view: String(repeating: "x", count: 64)), taskID: "task-\(n)", ticket: cache.ticket())
        }
        #expect(cache.size.entries == 1)
        #expect(cache.view(taskID: "polled")?.view == "polled")
    }
}
