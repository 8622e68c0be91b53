import Foundation
import LumaGate
import Testing

/// A graceful shutdown is prompt whatever clients and receivers do: a held request is answered as
/// things are, and a webhook post a receiver never answers is cut off and owed again, so the
/// process is gone well inside an orchestrator's wait and nothing is lost.
@Suite struct GracefulShutdownTests {
    @Test func aSilentReceiverAndAHeldRequestDoNotHoldTheShutdown() async throws {
        let silent = try SilentReceiver()
        defer { silent.stop() }
        let directory = TestGateway.temporaryDirectory()
        // The post's own timeout and the grace are far past the bound below: only cutting the
        // post off and answering the held request let the gateway stop within it.
        let gateway = try await TestGateway.start(
            directory: directory,
            configure: {
                $0.webhooks.timeout = .seconds(300)
                $0.edge.shutdownGrace = .seconds(300)
            })
        let token = try await gateway.createToken()
        let id = try #require(
            try await gateway.submit(token: token, #"{"user_prompt": "nobody listens", "notify_hook": "\#(silent.url)/hook"}"#)["id"] as? String)
        _ = try await gateway.waitForTerminal(id, token: token)
        let current = try await gateway.request(.GET, "/luma/generations/\(id)", token: token)
        let tag = try #require(current.header("ETag"))
        for _ in 0..<900 where silent.connections == 0 { try await Task.sleep(for: .milliseconds(100)) }
        try #require(silent.connections > 0, "the webhook post is out")

        let held = Task {
            try await gateway.request(
                .GET, "/luma/generations/\(id)", token: token, headers: [("Prefer", "wait=60"), ("If-None-Match", tag)])
        }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        await gateway.stop()
        let took = ContinuousClock.now - started
        #expect(took < .seconds(30), "the shutdown took \(took)")
        #expect(try await held.value.status == 304, "the held request is answered, unchanged")

        // The cut-off post is owed again at once, to whichever process serves the store next.
        let database = try await TestStore.open(directory: directory)
        let deliveries = try await WebhookRepository(database: database).deliveries(taskID: id)
        await database.close()
        let owed = try #require(deliveries.first)
        #expect(owed.deliveredAtMillis == nil && owed.nextAttemptAtMillis != nil)
        #expect(owed.lastError == "the gateway shut down while sending")
    }
}
