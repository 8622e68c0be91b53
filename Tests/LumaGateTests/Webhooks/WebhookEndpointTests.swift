import Crypto
import Foundation
import Testing

@testable import LumaGate

/// OpenAI's webhook endpoints on this gateway's store (SQLite, and PostgreSQL when the suite runs
/// on it): a finished video of the token, made on any face, is delivered through the outbox to
/// each endpoint that subscribed to its type, signed as Standard Webhooks.
@Suite struct WebhookEndpointTests {
    /// Whether a delivery's `webhook-signature` holds the HMAC of `<id>.<timestamp>.<body>` keyed
    /// with the secret's bytes, as Standard Webhooks define it.
    static func signed(_ post: WebhookReceiver.Post, with secret: String) -> Bool {
        guard let id = post.header("webhook-id"), let timestamp = post.header("webhook-timestamp"),
            let signatures = post.header("webhook-signature"), let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count)))
        else { return false }
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(post.body)
        let expected = "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))).base64EncodedString()
        return signatures.split(separator: " ").contains { $0 == expected }
    }

    @Test func finishedVideosOfEveryFaceReachTheTokensEndpointsSigned() async throws {
        let receiver = try await WebhookReceiver.start()
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let other = try await gateway.createToken()
            let created = try await gateway.request(
                .POST, "/v1/webhook_endpoints", token: token,
                json: #"{"name": "all", "url": "\#(receiver.url)/endpoint", "event_types": ["video.completed", "video.failed"]}"#)
            #expect(created.status == 200, "\(created.text)")
            let secret = try #require(created.object["signing_secret"] as? String)
            let onlyFailures = try await gateway.request(
                .POST, "/v1/webhook_endpoints", token: token,
                json: #"{"name": "failures", "url": "\#(receiver.url)/failures", "event_types": ["video.failed"]}"#)
            #expect(onlyFailures.status == 200)
            // Someone else's endpoint hears nothing of this token's videos.
            _ = try await gateway.request(
                .POST, "/v1/webhook_endpoints", token: other,
                json: #"{"name": "other", "url": "\#(receiver.url)/other", "event_types": ["video.completed", "video.failed"]}"#)

            let relay = try #require(try await gateway.submit(token: token, #"{"user_prompt": "relayed"}"#)["id"] as? String)
            let official = try #require(
                try await gateway.createGeneration(token: token, #"{"model": "ray-2", "prompt": "official sandbox:fail"}"#)["id"] as? String)
            // With every suite rendering at once, a sandbox video can wait minutes for the machine.
            let posts = try await receiver.wait(for: 2, at: "/endpoint", timeout: .seconds(180))
            var heard: [String: String] = [:]
            for post in posts {
                #expect(Self.signed(post, with: secret), "\(post.headers)")
                #expect(post.object["object"] as? String == "event" && post.header("webhook-id") == post.object["id"] as? String)
                heard[(post.object["data"] as? [String: Any])?["id"] as? String ?? ""] = post.object["type"] as? String
            }
            #expect(heard == [relay: "video.completed", official: "video.failed"])
            let failures = try await receiver.wait(for: 1, at: "/failures", timeout: .seconds(180))
            #expect(failures.map { $0.object["type"] as? String } == ["video.failed"])
            #expect(!Self.signed(failures[0], with: secret), "each endpoint signs with its own secret")
            #expect(receiver.received(at: "/other").isEmpty)

            // A bad request names the field, and leaves nothing behind.
            let refused = try await gateway.request(
                .POST, "/v1/webhook_endpoints", token: token,
                json: #"{"name": "x", "url": "ftp://example.com", "event_types": ["video.completed"]}"#)
            #expect(refused.status == 400 && refused.text.contains("url"), "\(refused.text)")
            let metadata = try await gateway.request(
                .POST, "/v1/webhook_endpoints", token: token,
                json: #"{"name": "x", "url": "http://169.254.169.254/latest", "event_types": ["video.completed"]}"#)
            #expect(metadata.status == 400 && metadata.text.contains("`url`"), "\(metadata.text)")
            let listed = try await gateway.request(.GET, "/v1/webhook_endpoints", token: token)
            #expect((listed.object["data"] as? [[String: Any]])?.count == 2)
        }
        await receiver.stop()
    }
}
