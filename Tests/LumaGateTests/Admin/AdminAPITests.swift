import Foundation
import LumaGate
import NIOHTTP1
import Testing

/// The operator's API under /admin, through real HTTP: only admin tokens get in; tokens,
/// channels, tasks and usage are managed and read as the CLI would, and bad input is refused
/// with a sentence naming the field.
@Suite struct AdminAPITests {
    @Test func onlyAdminTokensGetIn() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let admin = try await gateway.gateway.tokens.create(name: "root", isAdmin: true).secret
            let client = try await gateway.createToken()
            let routes: [(HTTPMethod, String)] = [
                (.GET, "/admin/tokens"), (.POST, "/admin/tokens"), (.PATCH, "/admin/tokens/x"), (.DELETE, "/admin/tokens/x"),
                (.GET, "/admin/channels"), (.POST, "/admin/channels"), (.POST, "/admin/channels/x/enable"),
                (.POST, "/admin/channels/x/disable"), (.POST, "/admin/channels/x/test"), (.GET, "/admin/tasks"),
                (.GET, "/admin/tasks/x"), (.GET, "/admin/usage"),
            ]
            for (method, path) in routes {
                let anonymous = try await gateway.request(method, path, json: "{}")
                #expect(anonymous.status == 401, "\(method) \(path) without a token")
                let wrong = try await gateway.request(method, path, token: "lg_not-a-token", json: "{}")
                #expect(wrong.status == 401, "\(method) \(path) with a wrong token")
                let refused = try await gateway.request(method, path, token: client, json: "{}")
                #expect(refused.status == 403, "\(method) \(path) with a client token")
                #expect(refused.object["code"] as? String == "forbidden")
                #expect((refused.object["detail"] as? String)?.contains("--admin") == true)
            }
            #expect(try await gateway.request(.GET, "/admin/tokens", token: admin).status == 200)
            // An admin token is a client token too.
            #expect(try await gateway.request(.GET, "/luma/generations", token: admin).status == 200)
        }
    }

    @Test func tokensAreCreatedLimitedAndRevoked() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let admin = try await gateway.gateway.tokens.create(name: "root", isAdmin: true).secret
            let created = try await gateway.request(
                .POST, "/admin/tokens", token: admin,
                json: #"{"name": "acme", "quota": 100, "max_in_flight": 5}"#)
            #expect(created.status == 201, "\(created.text)")
            let secret = try #require(created.object["secret"] as? String)
            #expect((created.object["signing_secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect(created.object["quota"] as? Int == 100)
            #expect(created.object["admin"] as? Bool == false)
            #expect(try await gateway.request(.POST, "/admin/tokens", token: admin, json: #"{"name": "acme"}"#).status == 409)

            // The quota holds: a 71-credit task fits once in 100.
            _ = try await gateway.submit(token: secret, #"{"user_prompt": "first"}"#)
            #expect(try await gateway.request(.POST, "/luma/generations", token: secret, json: #"{"user_prompt": "second"}"#).status == 402)
            let raised = try await gateway.request(.PATCH, "/admin/tokens/acme", token: admin, json: #"{"quota": null, "requests_per_minute": 600}"#)
            #expect(raised.status == 200, "\(raised.text)")
            #expect(raised.object["quota"] is NSNull)
            #expect(raised.object["requests_per_minute"] as? Int == 600)
            #expect(raised.object["max_in_flight"] as? Int == 5, "a field not sent is left as it was")
            #expect(raised.object["used"] as? Int == 71)
            #expect(try await gateway.request(.POST, "/luma/generations", token: secret, json: #"{"user_prompt": "second"}"#).status == 200)

            let listed = try await gateway.request(.GET, "/admin/tokens", token: admin)
            let acme = try #require((listed.object["tokens"] as? [[String: Any]])?.first { $0["name"] as? String == "acme" })
            #expect((acme["tasks"] as? [String: Any])?["pending"] as? Int == 2)
            #expect(acme["charged"] as? Int == 142)
            #expect(listed.text.contains(secret) == false, "a list never shows a secret")

            let revoked = try await gateway.request(.DELETE, "/admin/tokens/acme", token: admin)
            #expect(revoked.object["state"] as? String == "revoked")
            #expect(try await gateway.request(.GET, "/luma/generations", token: secret).status == 403)
            #expect(try await gateway.request(.DELETE, "/admin/tokens/nobody", token: admin).status == 404)
            #expect(try await gateway.request(.PATCH, "/admin/tokens/nobody", token: admin, json: #"{"quota": 5}"#).status == 404)
        }
    }

    @Test func badInputIsRefusedWithTheField() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let admin = try await gateway.gateway.tokens.create(name: "root", isAdmin: true).secret
            _ = try await gateway.createToken("target")
            let cases: [(HTTPMethod, String, String, String)] = [
                (.POST, "/admin/tokens", "{not json", "JSON"),
                (.POST, "/admin/tokens", "[1]", "object"),
                (.POST, "/admin/tokens", "{}", "`name`"),
                (.POST, "/admin/tokens", #"{"name": 5}"#, "`name`"),
                (.POST, "/admin/tokens", #"{"name": "  "}"#, "`name`"),
                (.POST, "/admin/tokens", #"{"name": "x", "quota": -1}"#, "`quota`"),
                (.POST, "/admin/tokens", #"{"name": "x", "quota": "lots"}"#, "`quota`"),
                (.POST, "/admin/tokens", #"{"name": "x", "admin": "yes"}"#, "`admin`"),
                (.PATCH, "/admin/tokens/target", "{}", "`quota`"),
                (.PATCH, "/admin/tokens/target", #"{"max_in_flight": 0}"#, "`max_in_flight`"),
                (.POST, "/admin/channels", #"{"kind": "midjourney", "name": "m", "key": "k"}"#, "kind"),
                (.POST, "/admin/channels", #"{"kind": "luma-relay", "name": "r", "key": "k"}"#, "base URL"),
                (.POST, "/admin/channels", #"{"kind": "dream-machine", "name": "d", "key": "k", "base_url": "ftp://x"}"#, "http(s)"),
                (.POST, "/admin/channels", #"{"kind": "dream-machine", "name": "d", "key": "k", "weight": 0}"#, "`weight`"),
                (.POST, "/admin/channels", #"{"kind": "dream-machine", "name": "d"}"#, "key"),
                (.POST, "/admin/channels", #"{"kind": "comfyui", "name": "c"}"#, "base URL"),
            ]
            for (method, path, body, field) in cases {
                let reply = try await gateway.request(method, path, token: admin, json: body)
                #expect(reply.status == 400, "\(method) \(path) \(body): \(reply.status) \(reply.text)")
                #expect((reply.object["detail"] as? String)?.contains(field) == true, "\(body): \(reply.text)")
            }
            let oversized = try await gateway.request(
                .POST, "/admin/tokens", token: admin,
                json: #"{"name": ""# + String(repeating: "x", count: 33 * 1024 * 1024) + #""}"#)
            #expect(oversized.status == 413)
            for query in ["state=done", "limit=0", "limit=x", "offset=-1", "since=yesterday"] {
                #expect(try await gateway.request(.GET, "/admin/tasks?\(query)", token: admin).status == 400, "\(query)")
            }
            #expect(try await gateway.request(.GET, "/admin/tasks?token=nobody", token: admin).status == 404)
            #expect(try await gateway.request(.GET, "/admin/tasks/no-such-task", token: admin).status == 404)
            #expect(try await gateway.request(.POST, "/admin/channels/none/disable", token: admin).status == 404)
            #expect(try await gateway.request(.POST, "/admin/channels/none/test", token: admin).status == 404)
            let tokens = try await gateway.request(.GET, "/admin/tokens", token: admin)
            #expect((tokens.object["tokens"] as? [Any])?.count == 2, "nothing was created by refused requests")
        }
    }

    @Test func channelsAreAddedTestedAndDisabled() async throws {
        let fake = try await FakeDreamMachine.start()
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let admin = try await gateway.gateway.tokens.create(name: "root", isAdmin: true).secret
            let added = try await gateway.request(
                .POST, "/admin/channels", token: admin,
                json: """
                    {"kind": "dream-machine", "name": "main", "key": "\(FakeDreamMachine.apiKey)", "base_url": "\(fake.apiURL)",
                     "priority": 5, "models": ["ray-2"], "max_in_flight": 4}
                    """)
            #expect(added.status == 201, "\(added.text)")
            #expect(added.object["key"] as? String != FakeDreamMachine.apiKey, "a key is only ever shown masked")
            #expect(added.object["health"] as? String == "restart to use", "this process routes to the channels it started with")
            #expect(
                try await gateway.request(
                    .POST, "/admin/channels", token: admin,
                    json: """
                        {"kind": "dream-machine", "name": "main", "key": "k"}
                        """
                ).status == 409)
            _ = try await gateway.request(
                .POST, "/admin/channels", token: admin,
                json: """
                    {"kind": "dream-machine", "name": "wrong", "key": "not-the-key", "base_url": "\(fake.apiURL)"}
                    """)

            let good = try await gateway.request(.POST, "/admin/channels/main/test", token: admin)
            #expect(good.object["ok"] as? Bool == true, "\(good.text)")
            #expect((good.object["detail"] as? String)?.contains("1234.5") == true)
            let bad = try await gateway.request(.POST, "/admin/channels/wrong/test", token: admin)
            #expect(bad.object["ok"] as? Bool == false)
            #expect((bad.object["detail"] as? String)?.contains("401") == true, "\(bad.text)")

            let disabled = try await gateway.request(.POST, "/admin/channels/wrong/disable", token: admin)
            #expect(disabled.object["enabled"] as? Bool == false)
            #expect(disabled.object["health"] as? String == "disabled")
            #expect(disabled.object["disabled_reason"] as? String == "disabled by an operator")
            let listed = try await gateway.request(.GET, "/admin/channels", token: admin)
            let channels = try #require(listed.object["channels"] as? [[String: Any]])
            #expect(channels.map { $0["name"] as? String } == ["main", "wrong"])
            #expect(channels[0]["in_flight"] as? Int == 0)
            #expect(channels[0]["max_in_flight"] as? Int == 4)
            #expect(try await gateway.request(.POST, "/admin/channels/wrong/enable", token: admin).object["health"] as? String == "restart to use")
        }
        await fake.stop()
    }

    @Test func tasksAreFilteredAndShownWithEventsAndBothShapes() async throws {
        let start = Date()
        try await TestGateway.with { gateway in
            let admin = try await gateway.gateway.tokens.create(name: "root", isAdmin: true).secret
            let alice = try await gateway.createToken("alice")
            let bob = try await gateway.createToken("bob")
            let finished = try await gateway.submit(token: alice, #"{"user_prompt": "a finished fox"}"#)["id"] as! String
            let failing = try await gateway.submit(token: bob, #"{"user_prompt": "this one should fail sandbox:fail"}"#)["id"] as! String
            _ = try await gateway.waitForTerminal(finished, token: alice)
            _ = try await gateway.waitForTerminal(failing, token: bob)

            let all = try await gateway.request(.GET, "/admin/tasks", token: admin)
            #expect(all.object["total"] as? Int == 2)
            let byAlice = try await gateway.request(.GET, "/admin/tasks?token=alice", token: admin)
            let aliceTasks = try #require(byAlice.object["tasks"] as? [[String: Any]])
            #expect(aliceTasks.map { $0["id"] as? String } == [finished])
            #expect(aliceTasks[0]["token_name"] as? String == "alice")
            #expect((aliceTasks[0]["video_url"] as? String)?.hasSuffix("/video.mp4") == true)
            #expect((aliceTasks[0]["thumbnail_url"] as? String) != nil)
            let failed = try await gateway.request(.GET, "/admin/tasks?state=failed", token: admin)
            let failedTasks = try #require(failed.object["tasks"] as? [[String: Any]])
            #expect(failedTasks.map { $0["id"] as? String } == [failing])
            #expect(failedTasks[0]["failure_reason"] is String)
            #expect((try await gateway.request(.GET, "/admin/tasks?channel=sandbox", token: admin).object["total"] as? Int) == 2)
            #expect((try await gateway.request(.GET, "/admin/tasks?channel=elsewhere", token: admin).object["total"] as? Int) == 0)
            let since = Int64(start.timeIntervalSince1970 * 1000)
            #expect((try await gateway.request(.GET, "/admin/tasks?since=\(since)", token: admin).object["total"] as? Int) == 2)
            #expect((try await gateway.request(.GET, "/admin/tasks?until=2020-01-01T00:00:00Z", token: admin).object["total"] as? Int) == 0)
            let paged = try await gateway.request(.GET, "/admin/tasks?limit=1", token: admin)
            #expect((paged.object["tasks"] as? [Any])?.count == 1)
            #expect(paged.object["has_more"] as? Bool == true)

            let shown = try await gateway.request(.GET, "/admin/tasks/\(finished)", token: admin)
            let events = try #require(shown.object["events"] as? [[String: Any]])
            #expect(events.map { $0["to"] as? String } == ["pending", "processing", "completed"])
            #expect((shown.object["relay"] as? [String: Any])?["state"] as? String == "completed")
            #expect((shown.object["dream_machine"] as? [String: Any])?["state"] as? String == "completed")

            let usage = try await gateway.request(.GET, "/admin/usage", token: admin)
            #expect(usage.object["charged"] as? Int == 142)
            #expect(usage.object["refunded"] as? Int == 71)
            #expect(usage.object["net"] as? Int == 71)
            #expect((usage.object["tasks"] as? [String: Any])?["completed"] as? Int == 1)
            #expect((usage.object["tokens"] as? [Any])?.count == 3)
        }
    }
}
