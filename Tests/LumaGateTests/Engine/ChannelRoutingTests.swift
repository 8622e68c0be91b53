import AsyncHTTPClient
import Foundation
import Logging
@testable import LumaGate
import Testing

/// Several upstream accounts: priorities, weights, models and caps choose the channel; trouble at
/// one sends tasks to the next; a refused key disables it; another relay is an upstream too.
@Suite struct ChannelRoutingTests {
    private static func channel(
        _ name: String, _ fake: FakeDreamMachine, priority: Int = 0, models: [String] = [],
        maxInFlight: Int? = nil
    ) -> ChannelRecord {
        ChannelRecord(
            name: name, kind: .dreamMachine, apiKey: FakeDreamMachine.apiKey, baseURL: fake.apiURL, createdAtMillis: 1,
            priority: priority, models: models, maxInFlight: maxInFlight)
    }

    private static func fastPolling(_ configuration: inout GatewayConfiguration) {
        configuration.upstreamCallbacks = .off
        configuration.upstreamPolling.firstPollSeconds = 0.2
        configuration.upstreamPolling.minPollSeconds = 0.1
        configuration.upstreamPolling.maxPollSeconds = 0.2
        configuration.poller.retrySeconds = 0.2
    }

    @Test func troubleAtTheFirstChannelSendsTasksToTheNextAndBadKeysDisableIt() async throws {
        let broken = try await FakeDreamMachine.start(submitStatus: 500)
        let refusing = try await FakeDreamMachine.start(submitStatus: 401)
        let healthy = try await FakeDreamMachine.start()
        let directory = try await TestGateway.directory(with: [
            Self.channel("broken", broken, priority: 20), Self.channel("refusing", refusing, priority: 10),
            Self.channel("healthy", healthy),
        ])
        try await TestGateway.with(directory: directory, configure: Self.fastPolling) { gateway in
            let token = try await gateway.createToken()
            var ids: [String] = []
            for index in 0..<4 {
                ids.append(try await gateway.submit(token: token, #"{"user_prompt": "routed \#(index)"}"#)["id"] as! String)
            }
            for id in ids {
                #expect(try await gateway.waitForTerminal(id, token: token)["state"] as? String == "completed")
                #expect(try await gateway.gateway.tasks.find(id: id)?.channel == "healthy")
            }
            #expect(healthy.allGenerations.count == 4)
            #expect(broken.recordedCalls.count >= 4, "each task tried the first channel first")
            // The refusing account was tried until its third refusal (tasks in flight at that moment
            // may add one each), then disabled for good.
            let refusals = refusing.recordedCalls.count
            #expect(refusals >= ChannelRouter.authFailureLimit && refusals <= 4)
            let later = try await gateway.submit(token: token, #"{"user_prompt": "after the disabling"}"#)["id"] as! String
            #expect(try await gateway.waitForTerminal(later, token: token)["state"] as? String == "completed")
            #expect(refusing.recordedCalls.count == refusals, "a disabled channel gets no more tasks")
            let stored = try await ChannelRepository(database: gateway.gateway.database).all()
            let disabled = try #require(stored.first { $0.name == "refusing" })
            #expect(!disabled.enabled && disabled.disabledReason?.contains("refused (HTTP 401) 3 times") == true)
            #expect(stored.first { $0.name == "broken" }?.enabled == true, "server errors do not disable a channel")

            // A refusal of the request itself is not the account's fault: no failover.
            let rejected = try await gateway.submit(token: token, #"{"user_prompt": "reject me"}"#)["id"] as! String
            #expect(try await gateway.waitForTerminal(rejected, token: token)["state"] as? String == "failed")
            #expect(!healthy.allGenerations.contains { $0.prompt == "reject me" })
        }
        for fake in [broken, refusing, healthy] { await fake.stop() }
    }

    @Test func modelsAndCapsChooseTheChannelAndNoneServingIsA503() async throws {
        let flash = try await FakeDreamMachine.start(queuedSeconds: 1, dreamingSeconds: 1)
        let general = try await FakeDreamMachine.start()
        let directory = try await TestGateway.directory(with: [
            Self.channel("flash-only", flash, priority: 10, models: ["ray-flash-2"], maxInFlight: 1),
            Self.channel("ray-2-only", general, models: ["ray-2"]),
        ])
        try await TestGateway.with(directory: directory, configure: Self.fastPolling) { gateway in
            let token = try await gateway.createToken()
            let first = try await gateway.submit(token: token, #"{"user_prompt": "fast one", "model_name": "ray-flash-v2"}"#)["id"] as! String
            let second = try await gateway.submit(token: token, #"{"user_prompt": "fast two", "model_name": "ray-flash-v2"}"#)["id"] as! String
            let regular = try await gateway.submit(token: token, #"{"user_prompt": "regular", "model_name": "ray-v2"}"#)["id"] as! String
            for id in [first, second, regular] {
                #expect(try await gateway.waitForTerminal(id, token: token)["state"] as? String == "completed")
            }
            #expect(try await gateway.gateway.tasks.find(id: regular)?.channel == "ray-2-only")
            #expect(flash.allGenerations.map(\.prompt).sorted() == ["fast one", "fast two"], "the capped channel took both, one at a time")
            let starts = flash.allGenerations.map(\.created).sorted()
            #expect(starts[1].timeIntervalSince(starts[0]) >= 1.5, "the second waited for the first to finish")

            let unserved = try await gateway.request(
                .POST, "/luma/generations", token: token, json: #"{"user_prompt": "old model", "model_name": "ray-v1"}"#)
            #expect(unserved.status == 503 && unserved.object["code"] as? String == "no_channel_available")
            #expect(unserved.header("retry-after") == "30")
        }
        await flash.stop()
        await general.stop()
    }

    /// Enabling, disabling, re-routing and removing a channel in the store (as `/admin`, a `lumagate channel`
    /// command or another process does) reaches a running gateway without a restart.
    @Test func channelChangesInTheStoreReachARunningGateway() async throws {
        let first = try await FakeDreamMachine.start()
        let second = try await FakeDreamMachine.start()
        var standby = Self.channel("standby", second)
        standby.enabled = false
        let directory = try await TestGateway.directory(with: [Self.channel("main", first), standby])
        let configure: @Sendable (inout GatewayConfiguration) -> Void = {
            Self.fastPolling(&$0)
            $0.channelSyncInterval = .milliseconds(100)
        }
        try await TestGateway.with(directory: directory, configure: configure) { gateway in
            let token = try await gateway.createToken()
            let admin = try await gateway.gateway.tokens.create(name: "operator", isAdmin: true).secret
            let channels = ChannelRepository(database: gateway.gateway.database)
            func channelOfANewTask(_ prompt: String) async throws -> String? {
                let id = try await gateway.submit(token: token, #"{"user_prompt": "\#(prompt)"}"#)["id"] as! String
                #expect(try await gateway.waitForTerminal(id, token: token)["state"] as? String == "completed")
                return try await gateway.gateway.tasks.find(id: id)?.channel
            }
            func health(_ name: String) async throws -> String? {
                let listed = try await gateway.request(.GET, "/admin/channels", token: admin).object["channels"] as? [[String: Any]]
                return listed?.first { $0["name"] as? String == name }?["health"] as? String
            }
            #expect(try await channelOfANewTask("before") == "main")
            #expect(try await health("standby") == "disabled")

            _ = try await channels.setEnabled(true, name: "standby")
            _ = try await channels.setEnabled(false, name: "main", reason: "disabled by an operator")
            try await Task.sleep(for: .seconds(1.5))  // many sync intervals, on a busy machine too
            #expect(try await channelOfANewTask("after the switch") == "standby")
            #expect(try await health("standby") == "ok")

            _ = try await channels.setEnabled(true, name: "main")
            _ = try await channels.setRoute(ChannelRoute(priority: 10), name: "main")
            try await Task.sleep(for: .seconds(1.5))  // many sync intervals, on a busy machine too
            #expect(try await channelOfANewTask("re-routed") == "main")

            _ = try await channels.remove(name: "main")
            try await Task.sleep(for: .seconds(1.5))  // many sync intervals, on a busy machine too
            #expect(try await channelOfANewTask("after the removal") == "standby")
        }
        #expect(first.allGenerations.map(\.prompt).sorted() == ["before", "re-routed"])
        #expect(second.allGenerations.map(\.prompt).sorted() == ["after the removal", "after the switch"])
        await first.stop()
        await second.stop()
    }

    @Test func channelTestChecksTheKeyWithACheapCall() async throws {
        let fake = try await FakeDreamMachine.start()
        let directory = try await TestGateway.directory(with: [
            Self.channel("good", fake),
            ChannelRecord(name: "bad", kind: .dreamMachine, apiKey: "wrong", baseURL: fake.apiURL, createdAtMillis: 1),
        ])
        let good = try await ServeProcess.command(["channel", "test", "good", "--data-dir", directory])
        #expect(good.status == 0 && good.output.contains("channel good: OK, Luma accepted the key; credit balance 1234.5"), "\(good.output)")
        let bad = try await ServeProcess.command(["channel", "test", "bad", "--data-dir", directory])
        #expect(bad.status != 0 && bad.output.contains("refused the gateway's key (HTTP 401)"), "\(bad.output)")
        await fake.stop()
    }

    @Test func equalPrioritiesShareTasksByWeight() {
        let client = HTTPClient.shared
        func route(_ name: String, weight: Int) -> ChannelRouter.Entry {
            let channel = LumaRelayChannel(
                name: name, settings: .init(token: "t", baseURL: "http://127.0.0.1:1"), httpClient: client,
                publicURL: PublicURL("http://127.0.0.1"), now: { Date() })
            return .init(channel: channel, route: ChannelRoute(weight: weight))
        }
        let router = ChannelRouter(entries: [route("three", weight: 3), route("one", weight: 1)], logger: Logger(label: "test"))
        let firsts = (0..<4000).map { _ in router.candidates(for: GenerationRequest(prompt: "x")).first!.name }
        let share = Double(firsts.filter { $0 == "three" }.count) / 4000
        #expect(abs(share - 0.75) < 0.04, "\(share)")
        #expect(router.candidates(for: GenerationRequest(prompt: "x", kind: .image)).isEmpty, "a relay cannot make images")
    }

    @Test func anotherRelayIsAnUpstreamForSubmitsExtensionsAndPolls() async throws {
        // The upstream relay is a lumagate itself, on its sandbox: the relay format for real.
        try await TestGateway.with { upstream in
            let upstreamToken = try await upstream.createToken()
            let directory = try await TestGateway.directory(with: [
                ChannelRecord(name: "other-relay", kind: .lumaRelay, apiKey: upstreamToken, baseURL: upstream.baseURL, createdAtMillis: 1)
            ])
            try await TestGateway.with(directory: directory, configure: Self.fastPolling) { gateway in
                let token = try await gateway.createToken()
                let ids = try await (0..<3).asyncMap { index in
                    try await gateway.submit(
                        token: token, #"{"user_prompt": "relayed \#(index)", "aspect_ratio": "1:1", "image_url": "\#(try Fixtures.pngDataURI())"}"#)[
                            "id"] as! String
                }
                for id in ids {
                    let task = try await gateway.waitForTerminal(id, token: token)
                    #expect(task["state"] as? String == "completed", "\(task)")
                    let video = try #require(task["video"] as? [String: Any])
                    #expect((video["url"] as? String)?.hasPrefix(upstream.baseURL + "/media/tasks/") == true)
                    #expect(video["width"] as? Int == 1024 && video["height"] as? Int == 1024)
                    #expect(((task["thumbnail"] as? [String: Any])?["palette"] as? [String: Any])?["grid"] is String)
                }
                let upstreamTasks = try await upstream.request(.GET, "/luma/generations", token: upstreamToken).array
                #expect(upstreamTasks.count == 3)
                #expect(upstreamTasks.allSatisfy { ($0["request"] as? [String: Any])?["image_url"] as? String != nil })

                let child = try await gateway.request(.POST, "/luma/generations/\(ids[0])/extend", token: token, json: #"{"user_prompt": "and on"}"#)
                let childTask = try await gateway.waitForTerminal(child.object["id"] as! String, token: token)
                #expect(childTask["state"] as? String == "completed")
                #expect(try await upstream.request(.GET, "/luma/generations", token: upstreamToken).array.count == 4)
            }
        }
    }
}

extension Sequence {
    /// `map` for an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
