import Foundation
@testable import LumaGate
import Testing

/// The poll path's memory (`QueryCache`) never shows what the store no longer says: this
/// process's changes at once, other processes' (a `lumagate` command, another gateway on the same
/// PostgreSQL) within `bound`; so do quotas and channels changed by a command. Runs on SQLite and, with LUMAGATE_TEST_POSTGRES_URL, PostgreSQL.
@Suite(.serialized) struct QueryCacheTests {
    /// How late another process's change may reach a gateway's answers (docs/configuration.md).
    static let bound: Duration = .seconds(1)

    /// Asks `ask` until `accepted` holds, at most `bound`; the last answer is returned.
    private func within<T>(_ bound: Duration, _ ask: () async throws -> T, until accepted: (T) -> Bool) async throws -> T {
        let deadline = ContinuousClock.now + bound
        var answer = try await ask()
        while !accepted(answer), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            answer = try await ask()
        }
        return answer
    }

    @Test func aGatewayAnswersItsOwnChangesAtOnce() async throws {
        try await TestGateway.with(configure: { $0.sandbox = SandboxSchedule(queuedSeconds: 0.5, dreamingSeconds: 0.5) }) { gateway in
            let token = try await gateway.createToken("poller")
            let id = try await gateway.submit(token: token, #"{"user_prompt": "kept in memory"}"#)["id"] as! String
            let first = try await gateway.request(.GET, "/luma/generations/\(id)", token: token)
            #expect(first.object["state"] as? String == "pending")
            _ = try await gateway.request(.GET, "/luma/generations/\(id)", token: token)  // a view is kept from its second read
            let cache = try #require(gateway.gateway.database.queryCache)
            #expect(cache.size.entries >= 2, "the token and the view are kept")

            // Every state the poller writes shows in the next answer, not a kept one.
            var seen: [String] = []
            // Renders queue behind the other suites' on a busy machine: as long as waitForTerminal waits.
            let deadline = ContinuousClock.now + .seconds(90)
            while seen.last != "completed", ContinuousClock.now < deadline {
                let state = try await gateway.request(.GET, "/luma/generations/\(id)", token: token).object["state"] as? String ?? "?"
                if seen.last != state { seen.append(state) }
                try await Task.sleep(for: .milliseconds(50))
            }
            let stored = try await gateway.gateway.tasks.find(id: id)
            #expect(seen == ["pending", "processing", "completed"], "the store says \(stored.map { "\($0.state)" } ?? "nothing")")
            let batch = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"ids": ["\#(id)"]}"#)
            #expect(batch.array.first?["state"] as? String == "completed")

            // A deleted task and a revoked token are gone from the very next answer.
            #expect(try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(id)", token: token).status == 204)
            #expect(try await gateway.request(.GET, "/luma/generations/\(id)", token: token).status == 404)
            #expect(try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"ids": ["\#(id)"]}"#).array.isEmpty)
            _ = try await TokenRepository(database: gateway.gateway.database).revoke(idOrName: "poller", at: Date().millis)
            #expect(try await gateway.request(.GET, "/luma/generations", token: token).status == 403)
        }
    }

    /// A charge moves only the token's `used`: its kept entry stays (M0018), while the balance
    /// `GET /dream-machine/v1/credits` reports is read from the row, so it moves at once.
    @Test func spendingKeepsTheTokenButNotItsBalance() async throws {
        try await TestGateway.with(configure: { $0.sandbox = SandboxSchedule(queuedSeconds: 600, dreamingSeconds: 600) }) { gateway in
            let token = try await gateway.createToken("spender")
            _ = try await gateway.gateway.tokens.setQuota("spender", quota: 1000)
            let cache = try #require(gateway.gateway.database.queryCache)
            let hash = TokenService.hash(token)
            let before = try await gateway.request(.GET, "/dream-machine/v1/credits", token: token).object["credit_balance"] as? Int
            #expect(before == 1000)
            #expect(cache.token(secretHash: hash) != nil, "the request kept its token")

            _ = try await gateway.submit(token: token, #"{"user_prompt": "paid for"}"#)
            #expect(cache.token(secretHash: hash) != nil, "a charge does not make the gateway forget the token")
            let after = try await gateway.request(.GET, "/dream-machine/v1/credits", token: token).object["credit_balance"] as? Int
            let used = try #require(try await gateway.gateway.tokens.find("spender")).used
            #expect(used > 0)
            #expect(after == 1000 - Int(used))

            // A change of anything else still reaches the cache at once.
            _ = try await gateway.gateway.tokens.setQuota("spender", quota: 5000)
            #expect(cache.token(secretHash: hash) == nil)
        }
    }

    @Test func aCommandBesideTheGatewayTakesEffectWithinTheBound() async throws {
        let directory = TestGateway.temporaryDirectory()
        let server = try await ServeProcess.start(dataDirectory: directory, extraArguments: ["--sandbox-queued-seconds", "600"])
        defer { server.stop() }
        let secret = try await ServeProcess.createToken("acme", dataDirectory: directory)
        let submitted = try await TestGateway.request(.POST, server.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "cli"}"#)
        let id = try #require(submitted.object["id"] as? String)
        #expect(try await TestGateway.request(.GET, server.baseURL + "/luma/generations/\(id)", token: secret).status == 200)

        #expect(try await ServeProcess.command(["token", "revoke", "acme", "--data-dir", directory]).status == 0)
        let started = ContinuousClock.now
        let refused = try await within(
            Self.bound, { try await TestGateway.request(.GET, server.baseURL + "/luma/generations/\(id)", token: secret) },
            until: { $0.status == 403 })
        #expect(refused.status == 403, "a token revoked by the command is refused within \(Self.bound), not after \(ContinuousClock.now - started)")
    }

    @Test func aQuotaSetByACommandHoldsWithinTheBound() async throws {
        let directory = TestGateway.temporaryDirectory()
        let server = try await ServeProcess.start(dataDirectory: directory, extraArguments: ["--sandbox-queued-seconds", "600"])
        defer { server.stop() }
        let secret = try await ServeProcess.createToken("metered", dataDirectory: directory)
        let submit = {
            try await TestGateway.request(.POST, server.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "metered"}"#)
        }
        #expect(try await submit().status == 200)

        #expect(try await ServeProcess.command(["token", "set-quota", "metered", "0", "--data-dir", directory]).status == 0)
        let refused = try await within(Self.bound, submit, until: { $0.status == 402 })
        #expect(refused.status == 402 && refused.object["code"] as? String == "insufficient_quota", "\(refused.status)")
    }

    @Test func aChannelDisabledByACommandTakesNoTaskWithinTheBound() async throws {
        let upstream = try await FakeDreamMachine.start()
        let directory = TestGateway.temporaryDirectory()
        let added = try await ServeProcess.command([
            "channel", "add", "dream-machine", "--name", "main", "--key", FakeDreamMachine.apiKey,
            "--base-url", upstream.baseURL, "--data-dir", directory,
        ])
        #expect(added.status == 0, "\(added.output)")
        let server = try await ServeProcess.start(dataDirectory: directory, extraArguments: ["--outbound-allow-hosts", "127.0.0.1"])
        defer { server.stop() }
        let secret = try await ServeProcess.createToken("routed", dataDirectory: directory)
        let submit = {
            try await TestGateway.request(.POST, server.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "routed"}"#)
        }
        #expect(try await submit().status == 200)

        #expect(try await ServeProcess.command(["channel", "disable", "main", "--data-dir", directory]).status == 0)
        let refused = try await within(Self.bound, submit, until: { $0.status == 503 })
        #expect(refused.status == 503 && refused.object["code"] as? String == "no_channel_available", "\(refused.status)")
        await upstream.stop()
    }

    @Test func anotherGatewaysChangesReachThisOneWithinTheBound() async throws {
        guard TestStore.isPostgres else { return }  // one SQLite file is served by one process
        let directory = TestGateway.temporaryDirectory()
        let first = try await ServeProcess.start(
            dataDirectory: directory, extraArguments: ["--sandbox-queued-seconds", "1", "--sandbox-dreaming-seconds", "1"])
        defer { first.stop() }
        let second = try await ServeProcess.start(
            dataDirectory: directory, extraArguments: ["--sandbox-queued-seconds", "1", "--sandbox-dreaming-seconds", "1"])
        defer { second.stop() }
        let secret = try await ServeProcess.createToken("shared", dataDirectory: directory)
        let id = try #require(
            try await TestGateway.request(.POST, first.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "two gateways"}"#)
                .object["id"] as? String)
        let query = { (server: ServeProcess) in try await TestGateway.request(.GET, server.baseURL + "/luma/generations/\(id)", token: secret) }
        #expect(try await query(second).object["state"] as? String == "pending", "the second gateway keeps the pending view")

        // Whichever gateway's poller finishes the task, both answer completed within the bound of it.
        let done = try await within(.seconds(60), { try await query(first) }, until: { $0.object["state"] as? String == "completed" })
        #expect(done.object["state"] as? String == "completed")
        #expect(
            try await within(Self.bound, { try await query(second) }, until: { $0.object["state"] as? String == "completed" })
                .object["state"] as? String == "completed")

        // Deleted through one (Luma's face has the delete), gone from the other.
        #expect(try await TestGateway.request(.DELETE, first.baseURL + "/dream-machine/v1/generations/\(id)", token: secret).status == 204)
        #expect(try await within(Self.bound, { try await query(second) }, until: { $0.status == 404 }).status == 404)
    }
}
