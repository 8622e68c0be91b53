import Foundation
import LumaGate
import NIOHTTP1
import Testing

/// The official format under /dream-machine/v1 on the sandbox: auth, ownership and every way a
/// body can be wrong. (The happy paths run through Luma's own SDK in Tests/sdk.)
@Suite struct DreamMachineAPITests {
    static let routes: [(HTTPMethod, String)] = [
        (.GET, "/ping"), (.GET, "/credits"), (.GET, "/generations"), (.GET, "/generations/ID"), (.DELETE, "/generations/ID"),
        (.GET, "/generations/concepts/list"), (.GET, "/generations/camera_motion/list"),
        (.POST, "/generations"), (.POST, "/generations/video"), (.POST, "/generations/image"),
        (.POST, "/generations/ID/upscale"), (.POST, "/generations/ID/audio"), (.POST, "/generations/video/modify"),
        (.POST, "/generations/video/reframe"), (.POST, "/generations/image/reframe"),
    ]

    @Test func everyRouteRequiresAValidActiveToken() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken("to-revoke")
            let id = try await gateway.createGeneration(token: token, #"{"model": "ray-2", "prompt": "x"}"#)["id"] as! String
            _ = try await gateway.gateway.tokens.revoke("to-revoke")
            let cases: [([(String, String)], Int)] = [
                ([], 401), ([("Authorization", "Bearer lg_unknown")], 401), ([("Authorization", "Token \(token)")], 401),
                ([("Authorization", "Bearer \(token)")], 403),
            ]
            for (method, path) in Self.routes {
                for (headers, status) in cases {
                    let reply = try await gateway.request(
                        method, "/dream-machine/v1" + path.replacingOccurrences(of: "ID", with: id),
                        json: method == .POST ? #"{"model": "ray-2", "prompt": "x"}"# : nil, headers: headers)
                    #expect(reply.status == status, "\(method) \(path) with \(headers): \(reply.text)")
                    #expect(!(reply.object["detail"] as? String ?? "").isEmpty)
                }
            }
            #expect(try await gateway.gateway.tasks.find(id: id)?.state == .pending, "refused calls changed nothing")
        }
    }

    @Test func anotherTokensGenerationIsIndistinguishableFromAnUnknownOne() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let owner = try await gateway.createToken()
            let stranger = try await gateway.createToken()
            let id = try await gateway.createGeneration(token: owner, #"{"model": "ray-2", "prompt": "mine"}"#)["id"] as! String
            for target in [id, UUID().uuidString.lowercased()] {
                let get = try await gateway.request(.GET, "/dream-machine/v1/generations/\(target)", token: stranger)
                let delete = try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(target)", token: stranger)
                #expect(get.status == 404 && delete.status == 404)
                #expect(get.object["detail"] as? String == "No task with id \(target) exists for this token.")
                let extend = try await gateway.request(
                    .POST, "/dream-machine/v1/generations", token: stranger,
                    json: """
                        {"model": "ray-2", "prompt": "steal", "keyframes": {"frame0": {"type": "generation", "id": "\(target)"}}}
                        """)
                #expect(extend.status == 400)
                #expect(
                    extend.object["detail"] as? String
                        == "Field `keyframes.frame0.id` names generation \(target), which does not exist for this token.")
            }
            let list = try await gateway.request(.GET, "/dream-machine/v1/generations", token: stranger).object
            #expect(list["count"] as? Int == 0 && (list["generations"] as? [Any])?.isEmpty == true)
            #expect(try await gateway.request(.GET, "/dream-machine/v1/generations/\(id)", token: owner).status == 200)
        }
    }

    @Test func badBodiesAreRefusedWithTheFieldNamed() async throws {
        try await TestGateway.with(configure: {
            $0.runsPoller = false
            $0.maxBodyBytes = 64 * 1024
        }) { gateway in
            let token = try await gateway.createToken()
            let pending = try await gateway.createGeneration(token: token, #"{"model": "ray-2", "prompt": "not done yet"}"#)["id"] as! String
            let video: [(String, Int, String)] = [
                ("{", 400, "The body is not valid JSON."),
                ("[1]", 400, "The body must be a JSON object."),
                (
                    #"{"prompt": "x"}"#, 400,
                    "Field `model` is required: one of \"ray-2\", \"ray-flash-2\", \"ray-1-6\", \"ray-3.2\", \"comfyui-smoke\", \"ltx-video-2b\", \"wan-2.2-ti2v-5b\"."
                ),
                (#"{"model": 2, "prompt": "x"}"#, 400, "Field `model` must be a string."),
                (#"{"model": "ray-2", "prompt": ["x"]}"#, 400, "Field `prompt` must be a string."),
                (#"{"model": "ray-2", "prompt": " "}"#, 400, "Field `prompt` is required when there are no keyframes."),
                (#"{"model": "ray-2", "prompt": "x", "generation_type": "image"}"#, 400, "Field `generation_type` must be one of \"video\"."),
                (#"{"model": "ray-2", "prompt": "x", "duration": "7s"}"#, 400, "Field `duration` must be one of \"5s\", \"9s\" for model ray-2."),
                (
                    #"{"model": "ray-2", "prompt": "x", "resolution": "8k"}"#, 400,
                    "Field `resolution` must be one of \"540p\", \"720p\", \"1080p\", \"4k\" for model ray-2."
                ),
                (#"{"model": "ray-2", "prompt": "x", "keyframes": "frame0"}"#, 400, "Field `keyframes` must be a JSON object."),
                (
                    #"{"model": "ray-2", "prompt": "x", "keyframes": {"frame0": {"url": "https://x/y.png"}}}"#, 400,
                    "Field `keyframes.frame0.type` is required: \"image\" or \"generation\"."
                ),
                (
                    #"{"model": "ray-2", "prompt": "x", "keyframes": {"frame1": {"type": "image", "url": "ftp://x/y.png"}}}"#, 400,
                    "Field `keyframes.frame1.url` must be an http(s) URL or a data:image/(png|jpeg|webp);base64 URI."
                ),
                (#"{"model": "ray-2", "prompt": "x", "concepts": {"key": "pan_left"}}"#, 400, "Field `concepts` must be an array."),
                (#"{"model": "ray-2", "prompt": "x", "concepts": [{}]}"#, 400, "Field `concepts[0].key` is required."),
                (
                    "{\"model\": \"ray-2\", \"keyframes\": {\"frame0\": {\"type\": \"generation\", \"id\": \"\(pending)\"}}}", 409,
                    "Field `keyframes.frame0.id` names generation \(pending), which has not completed; only a completed generation can be a keyframe."
                ),
                (
                    "{\"model\": \"ray-2\", \"prompt\": \"\(String(repeating: "a", count: 70 * 1024))\"}", 413,
                    "The request body is larger than 64 KiB, the most this gateway accepts."
                ),
            ]
            for path in ["/dream-machine/v1/generations", "/dream-machine/v1/generations/video"] {
                for (body, status, detail) in video {
                    let reply = try await gateway.request(.POST, path, token: token, json: body)
                    #expect(reply.status == status, "\(body.prefix(80)): \(reply.text)")
                    #expect(reply.object["detail"] as? String == detail, "\(body.prefix(80))")
                }
            }
            let image: [(String, String)] = [
                (#"{"prompt": "x"}"#, "Field `model` is required: one of \"photon-1\", \"photon-flash-1\"."),
                (#"{"model": "ray-2", "prompt": "x"}"#, "Field `model` must be one of \"photon-1\", \"photon-flash-1\"."),
                (#"{"model": "photon-1"}"#, "Field `prompt` is required."),
                (#"{"model": "photon-1", "prompt": "x", "format": "gif"}"#, "Field `format` must be one of \"jpg\", \"png\"."),
                (
                    #"{"model": "photon-1", "prompt": "x", "aspect_ratio": "5:4"}"#,
                    "Field `aspect_ratio` must be one of \"1:1\", \"16:9\", \"9:16\", \"4:3\", \"3:4\", \"21:9\", \"9:21\"."
                ),
                (
                    #"{"model": "photon-1", "prompt": "x", "style_ref": [{"url": "https://x/y.png"}]}"#,
                    "Field `style_ref` is not supported by this gateway; leave it out."
                ),
                (
                    #"{"model": "photon-1", "prompt": "x", "sync": true}"#,
                    "Field `sync` is not supported by this gateway; leave it out and poll GET /generations/{id}."
                ),
                (#"{"model": "photon-1", "prompt": "x", "callback_url": "not a url"}"#, "Field `callback_url` must be an http(s) URL."),
            ]
            for (body, detail) in image {
                let reply = try await gateway.request(.POST, "/dream-machine/v1/generations/image", token: token, json: body)
                #expect(reply.status == 400, "\(body): \(reply.text)")
                #expect(reply.object["detail"] as? String == detail, "\(body)")
            }
            let wrongType = try await gateway.request(
                .POST, "/dream-machine/v1/generations/video", token: token, json: #"{"model": "ray-2"}"#,
                headers: [("Content-Type", "text/plain")])
            #expect(wrongType.status == 415)
            for query in ["limit=0", "limit=1001", "limit=ten", "offset=-1"] {
                let reply = try await gateway.request(.GET, "/dream-machine/v1/generations?\(query)", token: token)
                #expect(reply.status == 400, "\(query)")
            }
            let operation = try await gateway.request(.POST, "/dream-machine/v1/generations/video/modify", token: token, json: "{")
            #expect(operation.status == 501, "without a dream-machine channel nothing is parsed: \(operation.text)")
            #expect(try await gateway.gateway.tasks.countInFlight() == 1, "no refused body left a task behind")
        }
    }

    @Test func deletingStopsAllWorkAndHidesTheTaskFromBothFaces() async throws {
        let clock = ManualClock()
        try await TestGateway.with(now: { clock.now }, configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let kept = try await gateway.submit(token: token, #"{"user_prompt": "kept"}"#)["id"] as! String
            let deleted =
                try await gateway.createGeneration(token: token, #"{"model": "ray-2", "prompt": "deleted", "callback_url": "http://127.0.0.1:1/x"}"#)[
                    "id"] as! String
            let delete = try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(deleted)", token: token)
            #expect(delete.status == 204 && delete.body.isEmpty)
            #expect(try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(deleted)", token: token).status == 404)

            #expect(await gateway.gateway.poller.pollOnce(now: clock.now) == 1, "only the kept task is worked")
            clock.advance(0.3)
            _ = await gateway.gateway.poller.pollOnce(now: clock.now)
            // An unfinished task is failed (and so refunded) before it is hidden.
            let task = try #require(try await gateway.gateway.tasks.find(id: deleted))
            #expect(task.state == .failed && task.failureReason == "Deleted by its owner before it finished.")
            #expect(task.nextPollAtMillis == nil && task.upstreamID == nil)
            #expect(try await gateway.gateway.tasks.events(taskID: deleted).map(\.toState) == [.pending, .failed])
            let ledger = try await LedgerRepository(database: gateway.gateway.database).entries().filter { $0.taskID == deleted }
            #expect(ledger.map(\.kind) == [.charge, .refund] && ledger[0].amount == ledger[1].amount)
            #expect(try await gateway.gateway.tasks.find(id: kept)?.state == .processing)

            #expect(try await gateway.request(.GET, "/luma/generations/\(deleted)", token: token).status == 404)
            let batch = try await gateway.request(.POST, "/luma/tasks", token: token, json: "{\"ids\": [\"\(deleted)\", \"\(kept)\"]}")
            #expect(batch.array.map { $0["id"] as? String } == [kept])
            #expect(try await gateway.request(.GET, "/luma/generations", token: token).array.map { $0["id"] as? String } == [kept])
        }
    }

    @Test func imageGenerationsStayOutOfTheRelayFormat() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let video = try await gateway.submit(token: token, #"{"user_prompt": "a video"}"#)["id"] as! String
            let image =
                try await gateway.createGeneration(
                    token: token, #"{"model": "photon-flash-1", "prompt": "a jpeg"}"#,
                    path: "/dream-machine/v1/generations/image")["id"] as! String
            let finished = try await gateway.waitForGeneration(image, token: token)
            let assets = try #require(finished["assets"] as? [String: Any])
            #expect(assets["video"] == nil)
            let picture = try await gateway.request(.GET, try #require(assets["image"] as? String))
            #expect(picture.status == 200 && picture.header("content-type") == "image/jpeg")
            #expect(try await gateway.request(.GET, "/luma/generations/\(image)", token: token).status == 404)
            #expect(try await gateway.request(.GET, "/luma/generations", token: token).array.map { $0["id"] as? String } == [video])
            let official = try await gateway.request(.GET, "/dream-machine/v1/generations", token: token).object
            #expect((official["generations"] as? [[String: Any]])?.map { $0["id"] as? String } == [image, video])
            let extend = try await gateway.request(
                .POST, "/dream-machine/v1/generations", token: token,
                json: """
                    {"model": "ray-2", "prompt": "x", "keyframes": {"frame0": {"type": "generation", "id": "\(image)"}}}
                    """)
            #expect(extend.status == 400 && (extend.object["detail"] as? String)?.contains("is an image") == true)
        }
    }
}
