import Foundation
import LumaGate
import Testing

/// Client webhooks (`callback_url`, `notify_hook`): one POST per state change, in order, retried
/// until the receiver takes it, and never lost to a restart.
@Suite struct WebhookDeliveryTests {
    private static func fastRetries(_ configuration: inout GatewayConfiguration) {
        configuration.webhooks.firstRetrySeconds = 0.1
        configuration.webhooks.idleInterval = .milliseconds(20)
    }

    @Test func aFailingReceiverGetsEveryChangeInOrderOnceItRecovers() async throws {
        let receiver = try await WebhookReceiver.start(failFirst: 3)
        try await TestGateway.with(configure: Self.fastRetries) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.createGeneration(
                    token: token, #"{"model": "ray-2", "prompt": "call me", "callback_url": "\#(receiver.url)/official?x=1"}"#)["id"] as! String
            _ = try await gateway.waitForGeneration(id, token: token)
            let posts = try await receiver.wait(for: 5, at: "/official")
            // Three refusals of the first change, then each change once, in order.
            #expect(posts.map { $0.object["state"] as? String } == ["dreaming", "dreaming", "dreaming", "dreaming", "completed"])
            #expect(posts.allSatisfy { $0.object["id"] as? String == id })
            let completed = try #require(posts.last?.object)
            let video = (completed["assets"] as? [String: Any])?["video"] as? String
            #expect(video?.hasPrefix(gateway.baseURL + "/media/tasks/\(id)/") == true, "media paths resolved to URLs")
            // The last outcome is recorded just after the receiver answered.
            var deliveries = try await WebhookRepository(database: gateway.gateway.database).deliveries(taskID: id)
            for _ in 0..<50 where deliveries.contains(where: { $0.deliveredAtMillis == nil }) {
                try await Task.sleep(for: .milliseconds(20))
                deliveries = try await WebhookRepository(database: gateway.gateway.database).deliveries(taskID: id)
            }
            #expect(deliveries.map(\.attempts) == [4, 1])
            #expect(deliveries.allSatisfy { $0.deliveredAtMillis != nil && $0.nextAttemptAtMillis == nil })
        }
        await receiver.stop()
    }

    @Test func relayFormatNotifyHooksGetTheRelayTaskObject() async throws {
        let receiver = try await WebhookReceiver.start()
        try await TestGateway.with(configure: Self.fastRetries) { gateway in
            let token = try await gateway.createToken()
            let ok = try await gateway.submit(token: token, #"{"user_prompt": "hooked", "notify_hook": "\#(receiver.url)/relay"}"#)["id"] as! String
            let failing =
                try await gateway.submit(token: token, #"{"user_prompt": "sandbox:fail", "notify_hook": "\#(receiver.url)/failed"}"#)["id"] as! String
            for id in [ok, failing] { _ = try await gateway.waitForTerminal(id, token: token) }
            let posts = try await receiver.wait(for: 2, at: "/relay")
            #expect(posts.map { $0.object["state"] as? String } == ["processing", "completed"])
            #expect(posts.allSatisfy { $0.object["id"] as? String == ok })
            #expect((posts[1].object["video"] as? [String: Any])?["download_url"] is String)
            // The sandbox fails such a task straight from the queue: one change, one post.
            let failed = try await receiver.wait(for: 1, at: "/failed")
            #expect(failed.map { $0.object["id"] as? String } == [failing])
            #expect(failed[0].object["state"] as? String == "failed")
            #expect((failed[0].object["failure_reason"] as? String)?.contains("on purpose") == true)
        }
        await receiver.stop()
    }

    @Test func owedDeliveriesSurviveARestart() async throws {
        let receiver = try await WebhookReceiver.start()
        // Real time, stepped by hand: the second life runs on the real clock.
        let clock = ManualClock(Date())
        let directory = TestGateway.temporaryDirectory()
        // First life: the task finishes, but nothing is sent before the process stops.
        let first = try await TestGateway.start(directory: directory, now: { clock.now }, configure: { $0.runsPoller = false })
        let token = try await first.createToken()
        let id =
            try await first.createGeneration(
                token: token, #"{"model": "ray-2", "prompt": "survive", "callback_url": "\#(receiver.url)/after-restart"}"#)["id"] as! String
        // The clock keeps pace with real time: the owed deliveries are due when the second life starts.
        try await first.pollUntilFinished(id, clock: clock, step: 0.05)
        #expect(try await first.gateway.tasks.find(id: id)?.state == .completed)
        await first.stop()
        #expect(receiver.received.isEmpty)

        let second = try await TestGateway.start(directory: directory, configure: Self.fastRetries)
        let posts = try await receiver.wait(for: 2, at: "/after-restart")
        #expect(posts.map { $0.object["state"] as? String } == ["dreaming", "completed"])
        await second.stop()
        await receiver.stop()
    }

    @Test func deletingATaskCancelsWhatItStillOwed() async throws {
        let clock = ManualClock()
        try await TestGateway.with(now: { clock.now }, configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.createGeneration(
                    token: token, #"{"model": "ray-2", "prompt": "forget me", "callback_url": "http://127.0.0.1:1/never"}"#)["id"] as! String
            for _ in 0..<3 {
                _ = await gateway.gateway.poller.pollOnce(now: clock.now)
                clock.advance(1)
            }
            let deliveries = WebhookRepository(database: gateway.gateway.database)
            #expect(try await deliveries.deliveries(taskID: id).filter { $0.nextAttemptAtMillis != nil }.count >= 1)
            #expect(try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(id)", token: token).status == 204)
            #expect(
                try await deliveries.deliveries(taskID: id).allSatisfy { $0.nextAttemptAtMillis == nil && $0.lastError == "the task was deleted" })
            #expect(await gateway.gateway.webhooks.dispatchOnce(now: clock.now) == 0)
        }
    }
}
