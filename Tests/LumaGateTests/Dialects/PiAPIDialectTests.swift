import Foundation
import Testing

@testable import LumaGate

/// PiAPI's unified task API for `luma`, driven with the request bodies of its public
/// documentation (the base URL changed, `x-api-key` holding a gateway token), on the suite's store.
@Suite struct PiAPIDialectTests {
    /// The task's `data` once it has completed or failed, held with `Prefer: wait`.
    static func finished(_ gateway: TestGateway, _ id: String, key: String) async throws -> [String: Any] {
        var tag = "none"
        for _ in 0..<40 {
            let reply = try await gateway.request(
                .GET, "/api/v1/task/\(id)", headers: [("x-api-key", key), ("If-None-Match", tag), ("Prefer", "wait=15")])
            guard reply.status == 200 else { continue }
            tag = reply.header("etag") ?? tag
            let data = try #require(reply.object["data"] as? [String: Any], "\(reply.text)")
            if ["completed", "failed"].contains(data["status"] as? String) { return data }
        }
        throw TestFailure("task \(id) did not finish")
    }

    @Test func theDocumentedRequestsMakeVideosAndTheWebhookCarriesTheSecret() async throws {
        let receiver = try await WebhookReceiver.start()
        try await TestGateway.with { gateway in
            let key = try await gateway.createToken()
            let headers = [("x-api-key", key)]
            // The text-to-video example, its webhook pointed at the receiver.
            let input = #"{"prompt": "Fly fishing", "expand_prompt": true, "loop": true}"#
            let created = try await gateway.request(
                .POST, "/api/v1/task",
                json:
                    #"{"model": "luma", "task_type": "video_generation", "input": \#(input), "config": {"service_mode": "", "webhook_config": {"endpoint": "\#(receiver.url)/hook", "secret": "123456"}}}"#,
                headers: headers)
            #expect(
                created.status == 200 && created.object["code"] as? Int == 200 && created.object["message"] as? String == "success", "\(created.text)"
            )
            let data = try #require(created.object["data"] as? [String: Any])
            let id = try #require(data["task_id"] as? String)
            #expect(data["model"] as? String == "luma" && data["task_type"] as? String == "video_generation")
            #expect(["pending", "processing"].contains(data["status"] as? String))
            #expect(
                NSDictionary(dictionary: data["input"] as? [String: Any] ?? [:]).isEqual(to: [
                    "prompt": "Fly fishing", "expand_prompt": true, "loop": true,
                ]))
            #expect((data["output"] as? [String: Any])?["video"] is NSNull)
            #expect((data["error"] as? [String: Any])?["code"] as? Int == 0)
            let price = try #require(((data["meta"] as? [String: Any])?["usage"] as? [String: Any])?["frozen"] as? Int)

            let done = try await Self.finished(gateway, id, key: key)
            #expect(done["status"] as? String == "completed")
            let output = try #require(done["output"] as? [String: Any])
            let video = try #require(output["video"] as? [String: Any])
            #expect(NSDictionary(dictionary: video).isEqual(to: output["video_raw"] as? [String: Any] ?? [:]))
            #expect((video["width"] as? Int ?? 0) > 0 && (video["height"] as? Int ?? 0) > 0)
            let fetched = try await gateway.request(.GET, try #require(video["url"] as? String))
            #expect(fetched.status == 200 && fetched.body.count > 1000)
            for still in ["thumbnail", "last_frame"] {
                let url = try #require((output[still] as? [String: Any])?["url"] as? String, "\(still)")
                #expect(try await gateway.request(.GET, url).status == 200)
            }
            let meta = try #require(done["meta"] as? [String: Any])
            #expect(meta["ended_at"] as? String != PiAPITaskView.unsetTime && meta["started_at"] as? String != PiAPITaskView.unsetTime)
            #expect((meta["usage"] as? [String: Any])?["consume"] as? Int == price)

            // A delivery at each change; the last one is the completed task, each with the secret.
            let posts = try await receiver.wait(for: 2, at: "/hook", timeout: .seconds(180))
            for post in posts {
                #expect(post.header("x-webhook-secret") == "123456")
                #expect(post.object["timestamp"] is Int && (post.object["data"] as? [String: Any])?["task_id"] as? String == id)
            }
            #expect((posts.last?.object["data"] as? [String: Any])?["status"] as? String == "completed")

            // The image-to-video example, in both input schemas, and an extension of the first video.
            let image = try Fixtures.pngDataURI()
            let framed = try await gateway.request(
                .POST, "/api/v1/task",
                json:
                    #"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "Fly fishing", "key_frames": {"frame0": {"type": "image", "url": "\#(image)"}}, "model_name": "ray-v2", "duration": 5, "aspect_ratio": "9:16"}, "config": {"webhook_config": {"endpoint": "", "secret": ""}, "service_mode": ""}}"#,
                headers: headers)
            #expect(framed.status == 200, "\(framed.text)")
            let newer = try await gateway.request(
                .POST, "/api/v1/task",
                json:
                    #"{"model": "luma", "task_type": "video_generation", "input": {"model": "ray-v2", "prompt": "A closeup", "duration": 5, "aspect_ratio": "16:9", "start_image": "\#(image)", "loop": false}}"#,
                headers: headers)
            #expect(newer.status == 200, "\(newer.text)")
            let extend = try await gateway.request(
                .POST, "/api/v1/task",
                json:
                    #"{"model": "luma", "task_type": "extend_video", "input": {"prompt": "Further", "key_frames": {"frame0": {"type": "generation", "id": "\#(id)"}, "frame1": {"type": ""}}}}"#,
                headers: headers)
            #expect(extend.status == 200, "\(extend.text)")
            for reply in [framed, newer, extend] {
                let taskID = try #require((reply.object["data"] as? [String: Any])?["task_id"] as? String)
                #expect(try await Self.finished(gateway, taskID, key: key)["status"] as? String == "completed")
            }
            let extendedID = try #require((extend.object["data"] as? [String: Any])?["task_id"] as? String)
            let relay = try await gateway.request(.GET, "/luma/generations/\(extendedID)", token: key)
            #expect(relay.status == 200 && relay.object["state"] as? String == "completed", "\(relay.text)")

            // A task made on the relay face reads here, as this dialect would have asked for it.
            let elsewhere = try #require(try await gateway.submit(token: key, #"{"user_prompt": "made elsewhere"}"#)["id"] as? String)
            let read = try await Self.finished(gateway, elsewhere, key: key)
            #expect((read["input"] as? [String: Any])?["prompt"] as? String == "made elsewhere")
        }
        await receiver.stop()
    }

    @Test func errorsAreTheDialectsAndLeaveNothingBehind() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let key = try await gateway.createToken()
            let noKey = try await gateway.request(.POST, "/api/v1/task", json: #"{"model": "luma"}"#)
            #expect(noKey.status == 401 && noKey.object["code"] as? Int == 401 && noKey.object["data"] is NSNull, "\(noKey.text)")
            let wrongKey = try await gateway.request(.GET, "/api/v1/task/\(UUID())", headers: [("x-api-key", "not-a-token")])
            #expect(wrongKey.status == 401 && wrongKey.object["message"] is String)
            let disagreeing = try await gateway.request(.GET, "/api/v1/task/\(UUID())", token: key, headers: [("x-api-key", "not-a-token")])
            #expect(disagreeing.status == 401, "a wrong key is refused beside a right bearer token: \(disagreeing.text)")
            let cases: [(String, String)] = [
                (#"{"model": "kling", "task_type": "video_generation", "input": {"prompt": "x"}}"#, "`model`"),
                (#"{"model": "luma", "task_type": "txt2video", "input": {"prompt": "x"}}"#, "`task_type`"),
                (#"{"model": "luma", "task_type": "video_generation"}"#, "`input`"),
                (#"{"model": "luma", "task_type": "video_generation", "input": {}}"#, "`input.prompt`"),
                (#"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "x", "duration": 7}}"#, "`input.duration`"),
                (#"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "x", "model_name": "ray-v9"}}"#, "`input.model_name`"),
                (#"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "x", "aspect_ratio": "2:1"}}"#, "`input.aspect_ratio`"),
                (#"{"model": "luma", "task_type": "extend_video", "input": {"prompt": "x"}}"#, "`input.key_frames.frame0`"),
                (
                    #"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "x", "key_frames": {"frame0": {"type": "video", "url": "https://example.com/a.mp4"}}}}"#,
                    "`input.key_frames.frame0.type`"
                ),
                (
                    #"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "x", "key_frames": {"frame0": {"type": "generation", "id": "\#(UUID())"}}}}"#,
                    "`input.key_frames.frame0.id`"
                ),
                (
                    #"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "x"}, "config": {"webhook_config": {"endpoint": "http://192.168.1.1/hook", "secret": ""}}}"#,
                    "`config.webhook_config.endpoint`"
                ),
                (
                    #"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "x"}, "config": {"webhook_config": {"endpoint": "https://example.com/hook", "secret": "a\nb"}}}"#,
                    "`config.webhook_config.secret`"
                ),
            ]
            for (json, field) in cases {
                let reply = try await gateway.request(.POST, "/api/v1/task", json: json, headers: [("x-api-key", key)])
                let message = reply.object["message"] as? String ?? ""
                #expect(reply.status == 400 && reply.object["code"] as? Int == 400 && message.contains(field), "\(json): \(reply.text)")
            }
            let missing = try await gateway.request(.GET, "/api/v1/task/\(UUID())", headers: [("x-api-key", key)])
            #expect(missing.status == 404 && missing.object["code"] as? Int == 404, "\(missing.text)")
            let list = try await gateway.request(.GET, "/dream-machine/v1/generations", token: key)
            #expect(list.object["count"] as? Int == 0, "a refused create leaves no task: \(list.text)")

            // PiAPI's 10 s is Ray 2's longest, 9 s.
            let ten = try await gateway.request(
                .POST, "/api/v1/task", json: #"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "ten", "duration": 10}}"#,
                headers: [("x-api-key", key)])
            let id = try #require((ten.object["data"] as? [String: Any])?["task_id"] as? String, "\(ten.text)")
            let official = try await gateway.request(.GET, "/dream-machine/v1/generations/\(id)", token: key)
            #expect((official.object["request"] as? [String: Any])?["duration"] as? String == "9s", "\(official.text)")
        }
    }
}
