import Foundation
@testable import LumaGate
import Testing

/// Money and limits: charges in the transaction that stores a task, refunds exactly once,
/// quotas, per-token limits and idempotent submits.
@Suite struct QuotaAndLimitTests {
    private func ledger(_ gateway: TestGateway) async throws -> [LedgerEntry] {
        try await LedgerRepository(database: gateway.gateway.database).entries()
    }

    @Test func aQuotaPaysForTasksAndAFailedTaskIsRefundedOnce() async throws {
        try await TestGateway.with { gateway in
            // ray-2 at 720p for 5 s costs 71 credits: two fit in 150, a third does not.
            let secret = try await gateway.gateway.tokens.create(name: "paying", quota: 150).secret
            let first = try await gateway.submit(token: secret, #"{"user_prompt": "paid"}"#)["id"] as! String
            let failing = try await gateway.submit(token: secret, #"{"user_prompt": "paid but sandbox:fail"}"#)["id"] as! String
            let refused = try await gateway.request(.POST, "/luma/generations", token: secret, json: #"{"user_prompt": "too much"}"#)
            #expect(refused.status == 402)
            #expect(refused.object["code"] as? String == "insufficient_quota")
            #expect(
                refused.object["detail"] as? String
                    == "This task costs 71 credits, more than this token has left; ask the gateway operator to raise its quota.")
            #expect(try await gateway.request(.GET, "/luma/generations", token: secret).array.count == 2, "nothing stored for the refused task")
            let credits = try await gateway.request(.GET, "/dream-machine/v1/credits", token: secret).object
            #expect(credits["credit_balance"] as? Int == 8)

            _ = try await gateway.waitForTerminal(first, token: secret)
            #expect(try await gateway.waitForTerminal(failing, token: secret)["state"] as? String == "failed")
            let entries = try await ledger(gateway)
            #expect(entries.map(\.kind) == [.charge, .charge, .refund])
            #expect(entries.map(\.amount) == [71, 71, 71])
            #expect(entries[2].taskID == failing)
            let usage = try await gateway.gateway.tokens.usage("paying")
            #expect(usage.charged == 142 && usage.refunded == 71 && usage.token.remaining == 79)
            #expect(usage.tasks[.completed] == 1 && usage.tasks[.failed] == 1)
            // The refund made room for another task.
            #expect(try await gateway.request(.POST, "/luma/generations", token: secret, json: #"{"user_prompt": "again"}"#).status == 200)
        }
    }

    @Test func aFreeTaskIsStoredWithItsEventAndNoCharge() async throws {
        try await TestGateway.with(configure: {
            $0.runsPoller = false
            $0.pricing.video["ray-2"]?["720p"] = 0
        }) { gateway in
            let secret = try await gateway.gateway.tokens.create(name: "free", quota: 0).secret
            let id = try await gateway.submit(token: secret, #"{"user_prompt": "free"}"#)["id"] as! String
            #expect(try await ledger(gateway).isEmpty)
            let usage = try await gateway.gateway.tokens.usage("free")
            #expect(usage.charged == 0 && usage.token.remaining == 0 && usage.tasks[.pending] == 1)
            let events = try await gateway.gateway.tasks.events(taskID: id)
            #expect(events.map(\.toState) == [.pending] && events.first?.reason == "submitted")
            // A priced task is still refused by the same quota, and leaves nothing behind.
            let priced = try await gateway.request(
                .POST, "/luma/generations", token: secret, json: #"{"user_prompt": "paid", "resolution": "1080p"}"#)
            #expect(priced.status == 402)
            #expect(try await gateway.request(.GET, "/luma/generations", token: secret).array.count == 1)
        }
    }

    @Test func racingFailuresAndRepeatedRefundsPayBackOnce() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let secret = try await gateway.gateway.tokens.create(name: "raced", quota: 1000).secret
            let id = try await gateway.submit(token: secret, #"{"user_prompt": "raced", "resolution": "1080p", "duration": "9s"}"#)["id"] as! String
            let tasks = gateway.gateway.tasks
            // Twenty workers try to fail the same task at once: one wins, one refund is paid.
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for worker in 0..<20 {
                    group.addTask {
                        try await tasks.transition(
                            id: id, from: .pending, to: .failed, changes: .init(failureReason: "worker \(worker)"),
                            reason: "worker \(worker)", at: Date().millis) != nil
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
            let entries = try await ledger(gateway)
            // ray-2 at 1080p is 160 for 5 s; 9 s costs 9/5 of it.
            #expect(entries.map(\.kind) == [.charge, .refund] && entries.allSatisfy { $0.amount == 288 })
            #expect(try await gateway.gateway.tokens.usage("raced").token.remaining == 1000)
            // Even a direct second refund is refused by the ledger's unique index.
            let task = try #require(try await tasks.find(id: id))
            await #expect(throws: (any Error).self) {
                try await gateway.gateway.database.write { sql in
                    try await LedgerRepository.refund(task, reason: "again", at: 0, on: sql)
                }
            }
            #expect(try await gateway.gateway.tokens.usage("raced").refunded == 288)
        }
    }

    @Test func pricesFollowModelResolutionDurationAndOverrides() throws {
        let pricing = Pricing.defaults
        #expect(pricing.price(of: GenerationRequest(prompt: "x")) == 71)
        #expect(pricing.price(of: GenerationRequest(prompt: "x", model: "ray-flash-v2", resolution: "1080p")) == 54)
        #expect(pricing.price(of: GenerationRequest(prompt: "x", model: "ray-2", duration: "9s")) == 128)
        #expect(pricing.price(of: GenerationRequest(prompt: "x", model: "photon-flash-1", kind: .image)) == 1)
        #expect(pricing.price(of: GenerationRequest(prompt: "", kind: .upscaleVideo)) == 30)
        let file = TestGateway.temporaryDirectory() + "/prices.json"
        try #"{"video": {"ray-2": {"720p": 100}}, "image": {"photon-1": 5}, "defaultResolution": "540p"}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let custom = try Pricing.load(overridesAt: file)
        #expect(custom.price(of: GenerationRequest(prompt: "x", resolution: "720p")) == 100)
        #expect(custom.price(of: GenerationRequest(prompt: "x")) == 40, "priced at the new default resolution")
        #expect(custom.price(of: GenerationRequest(prompt: "x", model: "ray-flash-2", resolution: "720p")) == 24, "untouched entries stay")
        #expect(custom.price(of: GenerationRequest(prompt: "x", kind: .image)) == 5)
    }

    @Test func requestsPerMinuteAndTasksInFlightAreLimitedPerToken() async throws {
        // The limiter's clock moves only when told: on a loaded machine four real requests can
        // take longer than the 20 s a limit of 3 a minute gives back one request in.
        let clock = ManualClock(Date())
        try await TestGateway.with(now: { clock.now }, configure: { $0.runsPoller = false }) { gateway in
            let limited = try await gateway.gateway.tokens.create(name: "limited", requestsPerMinute: 3).secret
            let other = try await gateway.createToken()
            for _ in 0..<3 {
                #expect(try await gateway.request(.GET, "/luma/generations", token: limited).status == 200)
            }
            let refused = try await gateway.request(.GET, "/dream-machine/v1/ping", token: limited)
            #expect(refused.status == 429)
            #expect(refused.object["code"] as? String == "rate_limited")
            #expect(Int(refused.header("retry-after") ?? "") ?? 0 >= 1)
            #expect(try await gateway.request(.GET, "/luma/generations", token: other).status == 200, "other tokens are not held back")
            clock.advance(20)
            #expect(try await gateway.request(.GET, "/luma/generations", token: limited).status == 200, "a slot comes back every 20 s")
            #expect(try await gateway.request(.GET, "/luma/generations", token: limited).status == 429)

            let busy = try await gateway.gateway.tokens.create(name: "busy", maxInFlight: 2).secret
            for index in 0..<2 {
                _ = try await gateway.submit(token: busy, #"{"user_prompt": "in flight \#(index)"}"#)
            }
            let third = try await gateway.request(
                .POST, "/dream-machine/v1/generations", token: busy, json: #"{"model": "ray-2", "prompt": "one too many"}"#)
            #expect(third.status == 429 && third.header("retry-after") == "5")
            #expect((third.object["detail"] as? String)?.contains("2 unfinished tasks") == true)
            #expect(try await gateway.gateway.tokens.usage("busy").charged == 142, "the refused task was not charged")
        }
    }

    @Test func anIdempotencyKeyReturnsTheSameTaskChargedOnce() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let secret = try await gateway.gateway.tokens.create(name: "retrying").secret
            let other = try await gateway.createToken()
            let body =
                #"{"model": "ray-2", "prompt": "exactly once", "keyframes": {"frame0": {"type": "image", "url": "\#(try Fixtures.pngDataURI())"}}}"#
            let headers = [("Idempotency-Key", "order-42")]
            // Ten retries at once, as a client with a short timeout might send them.
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let reply = try await gateway.request(.POST, "/dream-machine/v1/generations", token: secret, json: body, headers: headers)
                        return reply.object["id"] as? String ?? "status \(reply.status)"
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 1, "\(ids)")
            #expect(try await gateway.gateway.tokens.usage("retrying").charged == 71)
            let uploads = try await TestMedia.paths(under: "uploads/", directory: gateway.directory)
            #expect(uploads.count == 1, "the retries' image copies were removed: \(uploads)")

            let changed = try await gateway.request(
                .POST, "/dream-machine/v1/generations", token: secret,
                json: #"{"model": "ray-2", "prompt": "something else"}"#, headers: headers)
            #expect(changed.status == 409)
            #expect(
                changed.object["detail"] as? String
                    == "The Idempotency-Key \"order-42\" was used with a different request in the last 24 hours; use a new key for a new request.")
            let relay = try await gateway.request(
                .POST, "/luma/generations", token: secret, json: #"{"user_prompt": "x"}"#, headers: [("Idempotency-Key", "relay-1")])
            let again = try await gateway.request(
                .POST, "/luma/generations", token: secret, json: #"{"user_prompt": "x"}"#, headers: [("Idempotency-Key", "relay-1")])
            #expect(relay.object["id"] as? String == again.object["id"] as? String)
            let stranger = try await gateway.request(.POST, "/dream-machine/v1/generations", token: other, json: body, headers: headers)
            #expect(stranger.status == 201 && !ids.contains(stranger.object["id"] as? String ?? ""), "keys belong to one token")
            let tooLong = try await gateway.request(
                .POST, "/luma/generations", token: secret, json: #"{"user_prompt": "x"}"#,
                headers: [("Idempotency-Key", String(repeating: "k", count: 256))])
            #expect(tooLong.status == 400)
        }
    }

    /// Retries of one submit at once fetch and import its image once: the first claims the key,
    /// the others in this process wait for its answer.
    @Test func concurrentRetriesWithOneKeyFetchTheImageOnce() async throws {
        let server = try await HostileServer.start()
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let secret = try await gateway.gateway.tokens.create(name: "retrying").secret
            let body = #"{"model": "ray-2", "prompt": "once", "keyframes": {"frame0": {"type": "image", "url": "\#(server.baseURL)/image.png"}}}"#
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let reply = try await gateway.request(
                            .POST, "/dream-machine/v1/generations", token: secret, json: body,
                            headers: [("Idempotency-Key", "once-1")])
                        return reply.object["id"] as? String ?? "status \(reply.status): \(reply.text)"
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 1, "\(ids)")
            #expect(server.hits("/image.png") == 1, "the image was fetched \(server.hits("/image.png")) times")
            #expect(try await gateway.gateway.tokens.usage("retrying").charged == 71)
            #expect(try await TestMedia.paths(under: "uploads/", directory: gateway.directory).count == 1)
        }
        await server.stop()
    }

    /// A key another process holds (its claim in the store) is a 409 that says the request is in
    /// progress, with nothing fetched; a failed request gives its claim up for the retry.
    @Test func aKeyClaimedElsewhereIsA409AndAFailureReleasesIt() async throws {
        let server = try await HostileServer.start()
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let secret = try await gateway.gateway.tokens.create(name: "claimed").secret
            let token = try #require(try await gateway.gateway.tokens.find("claimed"))
            let body =
                #"{"model": "ray-2", "prompt": "elsewhere", "keyframes": {"frame0": {"type": "image", "url": "\#(server.baseURL)/image.png"}}}"#
            let path = "/dream-machine/v1/generations"
            let key = try IdempotencyKey(key: "held", method: "POST", path: path, body: Data(body.utf8))
            let keys = IdempotencyRepository(database: gateway.gateway.database)
            #expect(try await keys.claim(key, tokenID: token.id, at: Date().millis) == .claimed)
            let held = try await gateway.request(.POST, path, token: secret, json: body, headers: [("Idempotency-Key", "held")])
            #expect(held.status == 409 && held.text.contains("still being processed"), "\(held.text)")
            #expect(server.hits("/image.png") == 0)
            // A claim left by a process that died is taken over once it is stale.
            #expect(try await keys.claim(key, tokenID: token.id, at: Date().millis + IdempotencyKey.claimLifetimeMillis + 1) == .claimed)
            try await keys.release(key, tokenID: token.id)

            let failing =
                #"{"model": "ray-2", "prompt": "fails", "keyframes": {"frame0": {"type": "image", "url": "\#(server.baseURL)/signature.png"}}}"#
            let first = try await gateway.request(.POST, path, token: secret, json: failing, headers: [("Idempotency-Key", "fails")])
            #expect(first.status == 400, "\(first.text)")
            let retry = try await gateway.request(.POST, path, token: secret, json: failing, headers: [("Idempotency-Key", "fails")])
            #expect(retry.status == 400 && server.hits("/signature.png") == 2, "the retry did the work again, not a 409: \(retry.text)")
        }
        await server.stop()
    }
}
