import Foundation
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

    /// A task id as the gateway makes them.
    private func newTaskID() -> String { UUID().uuidString.lowercased() }

    @Test func aViewIsKeptFromItsSecondRead() {
        let cache = activeCache()
        let (first, second) = (newTaskID(), newTaskID())
        let view: OwnedView = (tokenID: "token-1", view: #"{"id":"first"}"#)
        cache.keep(view, taskID: first, ticket: cache.ticket())
        #expect(cache.view(taskID: first) == nil, "read once: not kept")
        cache.keep(view, taskID: first, ticket: cache.ticket())
        #expect(cache.view(taskID: first)?.view == view.view, "read twice: kept")
        #expect(cache.views(taskIDs: [second, first, "not-a-task"]).map { $0?.view } == [nil, view.view, nil])

        // Remembering an id is no licence to keep a value read before its row changed.
        cache.keep((tokenID: "token-1", view: "old"), taskID: second, ticket: cache.ticket())
        let stale = cache.ticket()
        cache.forget(["task:" + second])
        cache.keep((tokenID: "token-1", view: "old"), taskID: second, ticket: stale)
        #expect(cache.view(taskID: second) == nil)
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
        let polledID = newTaskID()
        for _ in 0..<2 { cache.keep(polled, taskID: polledID, ticket: cache.ticket()) }
        for _ in 0..<(QueryCache.rememberedViews * 4) {
            cache.keep((tokenID: "token-1", view: String(repeating: "x", count: 64)), taskID: newTaskID(), ticket: cache.ticket())
        }
        #expect(cache.size.entries == 1)
        #expect(cache.view(taskID: polledID)?.view == "polled")
    }

    /// Views are keyed by the bits of the id's lowercase UUID. Any other spelling names no task
    /// (the store compares ids as text): it is never kept, and an uppercase spelling of a kept id
    /// does not find that task's view.
    @Test func onlyTaskIDsAsTheGatewayWritesThemAreKept() {
        let cache = activeCache()
        let id = newTaskID()
        let view: OwnedView = (tokenID: "token-1", view: "kept")
        for _ in 0..<2 { cache.keep(view, taskID: id, ticket: cache.ticket()) }
        #expect(cache.view(taskID: id.uppercased()) == nil)
        #expect(cache.view(taskID: "{\(id)}") == nil)
        #expect(cache.view(taskID: id + "0") == nil)
        for other in ["task-1", id.uppercased(), String(id.dropLast()) + "g", id.replacingOccurrences(of: "-", with: "_")] {
            for _ in 0..<2 { cache.keep(view, taskID: other, ticket: cache.ticket()) }
            #expect(cache.view(taskID: other) == nil, "\(other)")
        }
        #expect(cache.size.entries == 1)
        cache.forget(["task:task-1", "task:" + id])
        #expect(cache.view(taskID: id) == nil, "a change of the task forgets its view")
    }
}
