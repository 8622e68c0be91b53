import Crypto
import Foundation
@testable import LumaGate
import Testing

/// Webhooks a receiver can trust, and destinations a gateway must not reach.
@Suite struct WebhookSecurityTests {
    @Test func everyPostIsSignedWithTheTokensSecret() async throws {
        let receiver = try await WebhookReceiver.start()
        try await TestGateway.with { gateway in
            let created = try await gateway.gateway.tokens.create(name: "signed")
            let id =
                try await gateway.submit(token: created.secret, #"{"user_prompt": "signed", "notify_hook": "\#(receiver.url)/signed"}"#)["id"]
                as! String
            _ = try await gateway.waitForTerminal(id, token: created.secret)
            let posts = try await receiver.wait(for: 2, at: "/signed")
            for post in posts {
                // What a receiver does: split the header, recompute the HMAC over "t.body", compare.
                let header = try #require(post.header("x-lumagate-signature"))
                let parts = Dictionary(
                    uniqueKeysWithValues: header.split(separator: ",").map {
                        let pair = $0.split(separator: "=", maxSplits: 1)
                        return (String(pair[0]), String(pair[1]))
                    })
                let timestamp = try #require(parts["t"])
                #expect(abs(Double(timestamp)! - Date().timeIntervalSince1970) < 120)
                let mac = HMAC<SHA256>.authenticationCode(
                    for: Data((timestamp + ".").utf8) + post.body, using: SymmetricKey(data: Data(created.signingSecret.utf8)))
                #expect(parts["v1"] == Data(mac).hexString)
            }
            let rotated = try await gateway.gateway.tokens.rotateSigningSecret("signed")
            #expect(rotated.hasPrefix("whsec_") && rotated != created.signingSecret)
        }
        await receiver.stop()
    }

    @Test func localAndPrivateDestinationsAreRefusedUnlessAllowed() async throws {
        try await TestGateway.with(configure: {
            $0.outboundAllowHosts = ["hooks.internal.example"]
            $0.runsPoller = false
        }) { gateway in
            let token = try await gateway.createToken()
            for url in [
                "http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://169.254.169.254/latest",
                "http://[::1]/x", "http://192.168.0.10/x", "http://[fd00::1]/x", "http://metadata.google.internal/x",
            ] {
                let relay = try await gateway.request(
                    .POST, "/luma/generations", token: token, json: #"{"user_prompt": "x", "notify_hook": "\#(url)"}"#)
                #expect(relay.status == 400, "\(url)")
                #expect((relay.object["detail"] as? String)?.contains("Field `notify_hook` points at a local or private address") == true)
                let official = try await gateway.request(
                    .POST, "/dream-machine/v1/generations", token: token,
                    json: #"{"model": "ray-2", "prompt": "x", "callback_url": "\#(url)"}"#)
                #expect(official.status == 400, "\(url)")
            }
            #expect(try await gateway.gateway.tasks.countInFlight() == 0)
            let allowed = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: #"{"user_prompt": "x", "notify_hook": "https://hooks.internal.example/x"}"#)
            #expect(allowed.status == 200)
        }
        let policy = OutboundPolicy(allowedHosts: [])
        #expect(policy.refusalBeforeLookup("http://127.0.0.1:8080/x") != nil)
        #expect(policy.refusalBeforeLookup("http://[::ffff:10.0.0.1]/x") != nil, "IPv4-mapped addresses are seen through")
        #expect(policy.refusalBeforeLookup("http://100.64.1.1/x") != nil)
        #expect(policy.refusalBeforeLookup("http://8.8.8.8/x") == nil)
        #expect(policy.refusalBeforeLookup("http://[2001:4860:4860::8888]/x") == nil)
        #expect(OutboundPolicy(allowedHosts: ["127.0.0.1"]).refusalBeforeLookup("http://127.0.0.1:8080/x") == nil)
    }
}
