import Foundation
import Testing

@testable import LumaGate

/// AceDataCloud's Luma dialect, driven with the request bodies of its public documentation (the
/// base URL changed, a data URI for its example image), on the suite's store.
@Suite struct AceDataCloudDialectTests {
    /// A waiting create's client deadline: past the gateway's own 300 s, as a loaded machine can
    /// keep a sandbox render waiting minutes.
    static let waiting = Duration.seconds(320)

    @Test func theDocumentedRequestsMakeExtendAndRetrieveVideos() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let image = try Fixtures.pngDataURI()
            // The start-frame example: the request waits and answers the finished video.
            let first = try await gateway.request(
                .POST, "/luma/videos", token: token,
                json: #"{"start_image_url": "\#(image)", "action": "generate", "prompt": "Astronauts shuttle from space to volcano"}"#,
                headers: [("accept", "application/json")], timeout: Self.waiting)
            #expect(first.status == 200, "\(first.text)")
            #expect(first.object["success"] as? Bool == true && first.object["state"] as? String == "completed")
            #expect(first.object["prompt"] as? String == "Astronauts shuttle from space to volcano")
            let id = try #require(first.object["task_id"] as? String)
            #expect(first.object["video_id"] as? String == id)
            for key in ["video_width", "video_height", "thumbnail_width", "thumbnail_height"] {
                #expect((first.object[key] as? Int ?? 0) > 0, "\(key) in \(first.text)")
            }
            let videoURL = try #require(first.object["video_url"] as? String)
            let video = try await gateway.request(.GET, videoURL)
            #expect(video.status == 200 && video.body.count > 1000)
            let thumbnail = try await gateway.request(.GET, try #require(first.object["thumbnail_url"] as? String))
            #expect(thumbnail.status == 200 && thumbnail.header("content-type")?.hasPrefix("image/") == true)

            // The extend examples: by video_id, and by the video_url the first answer gave.
            async let extendedByID = gateway.request(
                .POST, "/luma/videos", token: token,
                json: #"{"action": "extend", "video_id": "\#(id)", "prompt": "Astronauts shuttle from space to volcano"}"#, timeout: Self.waiting)
            async let extendedByURL = gateway.request(
                .POST, "/luma/videos", token: token, json: #"{"action": "extend", "video_url": "\#(videoURL)", "prompt": "further"}"#,
                timeout: Self.waiting)
            let (byID, byURL) = try await (extendedByID, extendedByURL)
            #expect(byID.status == 200 && byID.object["state"] as? String == "completed", "\(byID.text)")
            #expect(byURL.status == 200 && byURL.object["state"] as? String == "completed", "\(byURL.text)")
            let extended = try #require(byURL.object["task_id"] as? String)
            let official = try await gateway.request(.GET, "/dream-machine/v1/generations/\(extended)", token: token)
            #expect(
                ((official.object["request"] as? [String: Any])?["keyframes"] as? [String: Any])?["frame0"] as? [String: String]
                    == ["type": "generation", "id": id])

            // retrieve, as the documented curl sends it.
            let record = try await gateway.request(
                .POST, "/luma/tasks", token: token, json: #"{"id": "\#(id)", "action": "retrieve"}"#,
                headers: [("accept", "application/json")])
            #expect(record.status == 200, "\(record.text)")
            #expect(record.object["id"] as? String == id)
            let created = try #require(record.object["created_at"] as? Double)
            let started = try #require(record.object["started_at"] as? Double)
            let finished = try #require(record.object["finished_at"] as? Double)
            let elapsed = try #require(record.object["elapsed"] as? Double)
            #expect(created <= started && started <= finished && abs(elapsed - (finished - started)) < 0.002)
            #expect(abs(created - Date().timeIntervalSince1970) < 600)
            let request = try #require(record.object["request"] as? [String: Any])
            #expect(request["action"] as? String == "generate" && request["prompt"] as? String == "Astronauts shuttle from space to volcano")
            #expect((request["start_image_url"] as? String)?.hasPrefix("data:image/png;base64,…") == true, "data URIs are kept cut")
            let response = try #require(record.object["response"] as? [String: Any])
            #expect(response["task_id"] as? String == id && response["video_url"] as? String == videoURL)

            // retrieve_batch: the asked order, an unknown id left out; a relay-format batch unchanged.
            let unknown = UUID().uuidString.lowercased()
            let batch = try await gateway.request(
                .POST, "/luma/tasks", token: token, json: #"{"ids": ["\#(extended)", "\#(unknown)", "\#(id)"], "action": "retrieve_batch"}"#)
            #expect(batch.status == 200 && batch.object["count"] as? Int == 2, "\(batch.text)")
            #expect((batch.object["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [extended, id])
            let relay = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"ids": ["\#(id)"]}"#)
            #expect(relay.status == 200 && relay.array.first?["id"] as? String == id, "\(relay.text)")

            // A task made on another face reads here, and one made here on the others.
            let relayTask = try #require(try await gateway.submit(token: token, #"{"user_prompt": "made elsewhere"}"#)["id"] as? String)
            _ = try await gateway.waitForTerminal(relayTask, token: token)
            let elsewhere = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"id": "\#(relayTask)"}"#)
            #expect((elsewhere.object["request"] as? [String: Any])?["prompt"] as? String == "made elsewhere", "\(elsewhere.text)")
            #expect((elsewhere.object["response"] as? [String: Any])?["state"] as? String == "completed")
            let openAI = try await gateway.request(.GET, "/v1/videos/\(id)", token: token)
            #expect(openAI.status == 200 && openAI.object["status"] as? String == "completed", "\(openAI.text)")
            // Another token sees none of it.
            let stranger = try await gateway.createToken()
            let hidden = try await gateway.request(.POST, "/luma/tasks", token: stranger, json: #"{"id": "\#(id)", "action": "retrieve"}"#)
            #expect(hidden.status == 404 && (hidden.object["error"] as? [String: Any])?["code"] as? String == "not_found", "\(hidden.text)")
        }
    }

    @Test func aCallbackHearsTheFinishedObjectOnceAndAsyncAnswersAtOnce() async throws {
        let receiver = try await WebhookReceiver.start()
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            // The documented callback request, with the receiver for its URL.
            let made = try await gateway.request(
                .POST, "/luma/videos", token: token,
                json: #"{"prompt": "a drone flying over a mountain lake at sunrise", "action": "generate", "callback_url": "\#(receiver.url)/done"}"#)
            #expect(made.status == 200 && made.object.keys.sorted() == ["task_id"], "\(made.text)")
            let id = try #require(made.object["task_id"] as? String)
            let failing = try await gateway.request(
                .POST, "/luma/videos", token: token,
                json: #"{"prompt": "sandbox:fail", "callback_url": "\#(receiver.url)/failed", "timeout": null, "async": true}"#)
            let failed = try #require(failing.object["task_id"] as? String)
            let posts = try await receiver.wait(for: 1, at: "/done", timeout: .seconds(180))
            #expect(posts[0].object["task_id"] as? String == id && posts[0].object["success"] as? Bool == true)
            #expect(posts[0].object["state"] as? String == "completed" && posts[0].object["video_url"] is String)
            let failure = try await receiver.wait(for: 1, at: "/failed", timeout: .seconds(180))
            #expect(failure[0].object["success"] as? Bool == false && failure[0].object["task_id"] as? String == failed)
            #expect((failure[0].object["error"] as? [String: Any])?["code"] as? String == "api_error")
            // Only the end is posted, once.
            try await Task.sleep(for: .milliseconds(500))
            #expect(receiver.received(at: "/done").count == 1 && receiver.received(at: "/failed").count == 1)

            let quiet = try await gateway.request(.POST, "/luma/videos", token: token, json: #"{"prompt": "no wait", "async": true}"#)
            #expect(quiet.status == 200 && quiet.object.keys.sorted() == ["task_id"], "\(quiet.text)")
        }
        await receiver.stop()
    }

    @Test func errorsAreTheDialectsAndLeaveNothingBehind() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            func refused(_ path: String, _ json: String, token: String? = nil) async throws -> (Int, String, String, String?) {
                let reply = try await gateway.request(.POST, path, token: token, json: json)
                let error = reply.object["error"] as? [String: Any]
                #expect(reply.object["success"] as? Bool == false, "\(reply.text)")
                #expect(reply.object["trace_id"] as? String == reply.header("x-request-id"))
                return (reply.status, error?["code"] as? String ?? "", error?["message"] as? String ?? "", reply.object["trace_id"] as? String)
            }
            let unauthorized = try await refused("/luma/videos", #"{"prompt": "x"}"#)
            #expect(unauthorized.0 == 401 && unauthorized.1 == "invalid_token")
            let cases: [(String, String)] = [
                (#"{"action": "generate"}"#, "`prompt`"),
                (#"{"action": "remix", "prompt": "x"}"#, "`action`"),
                (#"{"prompt": "x", "aspect_ratio": "5:1"}"#, "`aspect_ratio`"),
                (#"{"prompt": "x", "callback_url": "http://10.0.0.1/hook"}"#, "`callback_url`"),
                (#"{"prompt": "x", "callback_url": "ftp://example.com/hook"}"#, "`callback_url`"),
                (#"{"action": "extend", "prompt": "x"}"#, "`video_id`"),
                (#"{"action": "extend", "video_url": "https://example.com/a.mp4"}"#, "`video_url`"),
                (#"{"action": "extend", "video_id": "\#(UUID().uuidString)"}"#, "`video_id`"),
                (#"{"prompt": "x", "video_id": "abc"}"#, "`video_id`"),
                (#"{"prompt": "x", "timeout": 0}"#, "`timeout`"),
                (#"{"prompt": "x", "loop": "yes"}"#, "loop"),
            ]
            for (json, field) in cases {
                let (status, code, message, _) = try await refused("/luma/videos", json, token: token)
                #expect(status == 400 && code == "bad_request" && message.contains(field), "\(json): \(status) \(code) \(message)")
            }
            let batch = try await refused("/luma/tasks", #"{"action": "retrieve_batch", "ids": []}"#, token: token)
            #expect(batch.0 == 400 && batch.2.contains("`ids`"))
            let noID = try await refused("/luma/tasks", #"{"action": "retrieve"}"#, token: token)
            #expect(noID.0 == 400 && noID.2.contains("`id`"))
            let list = try await gateway.request(.GET, "/dream-machine/v1/generations", token: token)
            #expect(list.object["count"] as? Int == 0, "a refused create leaves no task: \(list.text)")

            // A waiting create past its timeout: a 504 naming the task, which goes on.
            let slow = try await refused("/luma/videos", #"{"prompt": "a slow one", "timeout": 1, "not_a_field": "ignored"}"#, token: token)
            #expect(slow.0 == 504 && slow.1 == "timeout", "\(slow)")
            let pending = try #require(AceDataCloudController.taskIDs(in: slow.2).first)
            let record = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"id": "\#(pending)"}"#)
            #expect(record.status == 200 && record.object["response"] == nil && record.object["finished_at"] == nil, "\(record.text)")
            #expect((record.object["request"] as? [String: Any])?.keys.sorted() == ["prompt", "timeout"], "only its own fields are kept")
            // The relay format's batch keeps its own errors.
            let relay = try await gateway.request(.POST, "/luma/tasks", token: token, json: "{}")
            #expect(relay.status == 400 && relay.object["detail"] is String, "\(relay.text)")
        }
    }
}
