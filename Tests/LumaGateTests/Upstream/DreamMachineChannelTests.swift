import Foundation
import LumaGate
import Testing

/// Relay-format clients served through Luma's official API (a fake of it on 127.0.0.1).
@Suite struct DreamMachineChannelTests {
    /// A gateway whose new tasks go to `baseURL` (a fake's), polling fast (and, unless
    /// `callbacks`, only polling); an upstream answer slower than 2 s is a timeout.
    private func withGateway(_ baseURL: String, callbacks: Bool = false, _ body: (TestGateway) async throws -> Void) async throws {
        try await TestGateway.with(
            configure: { configuration in
                configuration.upstreamCallbacks = callbacks ? .on : .off
                configuration.dreamMachine = DreamMachineChannel.Settings(apiKey: FakeDreamMachine.apiKey, baseURL: baseURL)
                configuration.upstreamTimeoutSeconds = 2
                configuration.upstreamPolling.firstPollSeconds = 0.2
                configuration.upstreamPolling.minPollSeconds = 0.1
                configuration.upstreamPolling.maxPollSeconds = 0.2
                configuration.poller.retrySeconds = 0.2
            }, body)
    }

    @Test func textToVideoCompletesWithSizesReadFromTheUpstreamMP4() async throws {
        let fake = try await FakeDreamMachine.start()
        try await withGateway(fake.apiURL) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(
                    token: token, #"{"user_prompt": "a cat on a piano", "model_name": "ray-v2", "aspect_ratio": "4:3", "duration": "5s"}"#)["id"]
                as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "completed", "\(task)")

            let reply = try await gateway.request(.GET, "/luma/generations/\(id)", token: token)
            let golden = try JSONDecoder().decode(JSONNode.self, from: try Fixtures.data("query-completed.json"))
            let differences = golden.shapeDifferences(
                from: try JSONDecoder().decode(JSONNode.self, from: reply.body),
                extrasAllowed: ["": ["prompt", "liked", "estimate_wait_seconds"], "/request": ["*"]])
            #expect(differences.isEmpty, "\(differences)")

            let video = try #require(task["video_raw"] as? [String: Any])
            #expect(video["url"] as? String == fake.baseURL + "/files/video.mp4")
            #expect(video["width"] as? Int == 1360 && video["height"] as? Int == 752)
            #expect(video["duration"] as? Double == 5.041667)
            let thumbnail = try #require(task["thumbnail"] as? [String: Any])
            #expect(thumbnail["width"] as? Int == 1360)
            #expect(((thumbnail["palette"] as? [String: Any])?["grid"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 75)
            let lastFrame = try #require(task["last_frame"] as? [String: Any])
            let jpeg = try await gateway.request(.GET, lastFrame["url"] as! String)
            #expect(jpeg.status == 200 && jpeg.header("content-type") == "image/jpeg")

            let generation = try #require(fake.allGenerations.first)
            #expect(generation.request["model"] as? String == "ray-2")
            #expect(generation.request["aspect_ratio"] as? String == "4:3")
            #expect(generation.request["prompt"] as? String == "a cat on a piano")
            #expect(generation.request["keyframes"] == nil)
            #expect(fake.recordedCalls.allSatisfy { $0.authorization == "Bearer \(FakeDreamMachine.apiKey)" })
            #expect(!reply.text.contains(generation.id), "the upstream id is never shown")
        }
        await fake.stop()
    }

    @Test func aChannelThatKeepsOutputsShowsTheGatewaysCopies() async throws {
        let fake = try await FakeDreamMachine.start()
        let channel = ChannelRecord(
            name: "kept", kind: .dreamMachine, apiKey: FakeDreamMachine.apiKey, baseURL: fake.apiURL,
            createdAtMillis: 1, keepOutputs: true)
        let directory = try await TestGateway.directory(with: [channel])
        try await TestGateway.with(
            directory: directory,
            configure: { configuration in
                configuration.upstreamCallbacks = .off
                configuration.upstreamPolling.firstPollSeconds = 0.2
                configuration.upstreamPolling.minPollSeconds = 0.1
                configuration.upstreamPolling.maxPollSeconds = 0.2
            }
        ) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "kept here"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            let video = try #require(task["video_raw"] as? [String: Any])
            let url = try #require(video["url"] as? String)
            #expect(url == gateway.baseURL + "/media/tasks/\(id)/video.mp4", "\(task)")
            #expect(video["width"] as? Int == 1360 && video["duration"] as? Double == 5.041667)
            let kept = try await gateway.request(.GET, url)
            #expect(kept.status == 200 && kept.body.count > 1000)
            #expect(try await FFprobe.streams(of: kept.body, suffix: ".mp4").first?.codec_name == "h264")
        }
        await fake.stop()
        #expect(throws: ChannelRecord.Invalid.self) {
            try ChannelRecord.new(
                kind: "luma-relay", name: "r", key: "k", baseURL: "https://relay.example.com", route: .init(),
                keepOutputs: true, at: 1)
        }
    }

    @Test func imagesGoAsPublicURLsAndExtensionsAsGenerationKeyframes() async throws {
        let fake = try await FakeDreamMachine.start()
        try await withGateway(fake.apiURL) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(token: token, #"{"user_prompt": "from an image", "image_url": "\#(try Fixtures.pngDataURI())"}"#)["id"]
                as! String
            _ = try await gateway.waitForTerminal(id, token: token)
            let parent = try #require(fake.allGenerations.first)
            let frame0 = (parent.request["keyframes"] as? [String: Any])?["frame0"] as? [String: Any]
            #expect(frame0?["type"] as? String == "image")
            let imageURL = try #require(frame0?["url"] as? String)
            #expect(imageURL.hasPrefix(gateway.baseURL + "/media/uploads/"))
            #expect(try await gateway.request(.GET, imageURL).body == (try Fixtures.data("first-frame.png")))

            let child = try await gateway.request(.POST, "/luma/generations/\(id)/extend", token: token, json: #"{"user_prompt": "and then"}"#)
            #expect(child.status == 200, "\(child.text)")
            let childID = child.object["id"] as! String
            #expect(try await gateway.waitForTerminal(childID, token: token)["state"] as? String == "completed")
            let extension_ = try #require(fake.allGenerations.first { $0.prompt == "and then" })
            let keyframe = (extension_.request["keyframes"] as? [String: Any])?["frame0"] as? [String: Any]
            #expect(keyframe?["type"] as? String == "generation")
            #expect(keyframe?["id"] as? String == parent.id)
        }
        await fake.stop()
    }

    @Test func upstreamTroubleDelaysTasksButNeverCorruptsThem() async throws {
        let fake = try await FakeDreamMachine.start()
        try await withGateway(fake.apiURL) { gateway in
            let token = try await gateway.createToken()
            // A 429 on submit, a poll that times out, two 500s and a non-JSON answer while polling.
            let id = try await gateway.submit(token: token, #"{"user_prompt": "busy, slow and flaky"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "completed", "\(task)")
            let submits = fake.recordedCalls.filter { $0.method == "POST" }
            #expect(submits.count == 2, "one refused with 429, one accepted")
            let polls = try #require(fake.allGenerations.first).polls
            // Poll 1 is too slow (a timeout), 2 is a 500, 3 is not JSON; only then an answer.
            #expect(polls >= 4, "\(polls) polls")
            let events = try await gateway.gateway.tasks.events(taskID: id)
            #expect(events.map(\.toState) == [.pending, .processing, .completed])
        }
        await fake.stop()
    }

    @Test func anUnreachableUpstreamLeavesTasksPendingNotFailed() async throws {
        try await withGateway("http://127.0.0.1:1/dream-machine/v1") { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "nobody answers"}"#)["id"] as! String
            try await Task.sleep(for: .seconds(1))
            let task = try #require(try await gateway.gateway.tasks.find(id: id))
            #expect(task.state == .pending)
            #expect(task.upstreamID == nil)
            #expect(task.nextPollAtMillis != nil, "still due for another try")
            #expect(try await gateway.gateway.tasks.events(taskID: id).map(\.toState) == [.pending])
        }
    }

    @Test func upstreamFailuresBecomeReadableFailedTasks() async throws {
        // Generations stay queued for 3 s, so on a loaded machine the one that vanishes is still
        // unfinished when the test makes Luma forget it.
        let fake = try await FakeDreamMachine.start(queuedSeconds: 3)
        try await withGateway(fake.apiURL) { gateway in
            let token = try await gateway.createToken()
            let moderated = try await gateway.submit(token: token, #"{"user_prompt": "moderate this"}"#)["id"] as! String
            let refused = try await gateway.submit(token: token, #"{"user_prompt": "reject this"}"#)["id"] as! String
            let vanished = try await gateway.submit(token: token, #"{"user_prompt": "will vanish"}"#)["id"] as! String
            while fake.allGenerations.first(where: { $0.prompt == "will vanish" }) == nil {
                try await Task.sleep(for: .milliseconds(20))
            }
            fake.forget(fake.allGenerations.first { $0.prompt == "will vanish" }!.id)

            let moderatedTask = try await gateway.waitForTerminal(moderated, token: token)
            #expect(moderatedTask["state"] as? String == "failed")
            #expect((moderatedTask["failure_reason"] as? String)?.contains("content moderation refused") == true)
            let refusedTask = try await gateway.waitForTerminal(refused, token: token)
            #expect(refusedTask["failure_reason"] as? String == "Luma refused this request: Prompt is not allowed.")
            let vanishedTask = try await gateway.waitForTerminal(vanished, token: token)
            #expect((vanishedTask["failure_reason"] as? String)?.contains("no longer knows") == true)
            // A reason holding U+0000 is stored with it replaced, instead of failing the write
            // (on PostgreSQL) at every poll.
            let nul = try await gateway.submit(token: token, #"{"user_prompt": "a nul byte"}"#)["id"] as! String
            let nulTask = try await gateway.waitForTerminal(nul, token: token)
            #expect(nulTask["failure_reason"] as? String == "Luma could not generate this video: Worker\u{FFFD}crashed", "\(nulTask)")
        }
        await fake.stop()
    }

    @Test func callbacksFinishTasksWithoutPollingAndRepeatsChangeNothing() async throws {
        let fake = try await FakeDreamMachine.start()
        try await withGateway(fake.apiURL, callbacks: true) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "called back"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token, timeout: .seconds(90))
            #expect(task["state"] as? String == "completed", "\(task)")
            #expect((task["video_raw"] as? [String: Any])?["duration"] as? Double == 5.041667)
            #expect(fake.recordedCalls.filter { $0.method == "GET" }.isEmpty, "callbacks, not polls, finished the task")

            let generation = try #require(fake.allGenerations.first)
            let callbackURL = try #require(generation.request["callback_url"] as? String)
            #expect(callbackURL.hasPrefix(gateway.baseURL + "/callbacks/dream-machine/"))
            // The duplicate completion and the late "dreaming" arrive after the task finished.
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await gateway.gateway.tasks.events(taskID: id).map(\.toState) == [.pending, .processing, .completed])

            let forged = try await gateway.request(
                .POST, "/callbacks/dream-machine/not-a-secret",
                json: #"{"id": "\#(generation.id)", "state": "failed", "failure_reason": "x"}"#)
            #expect(forged.status == 404)
            let otherGeneration = try await gateway.request(.POST, callbackURL, json: #"{"id": "another", "state": "failed"}"#)
            #expect(otherGeneration.status == 400)
            let garbage = try await gateway.request(.POST, callbackURL, json: "<html>")
            #expect(garbage.status == 400)
            #expect(try await gateway.gateway.tasks.find(id: id)?.state == .completed)
        }
        await fake.stop()
    }

    @Test func aStoredChannelTakesNewTasksAndADisabledOneDoesNot() async throws {
        let fake = try await FakeDreamMachine.start()
        let directory = TestGateway.temporaryDirectory()
        let store = try await TestStore.open(directory: directory)
        let channels = ChannelRepository(database: store)
        #expect(
            try await channels.add(ChannelRecord(name: "spare", kind: .dreamMachine, apiKey: "wrong-key", baseURL: fake.apiURL, createdAtMillis: 1)))
        #expect(
            try await channels.add(
                ChannelRecord(name: "main", kind: .dreamMachine, apiKey: FakeDreamMachine.apiKey, baseURL: fake.apiURL, createdAtMillis: 2)))
        #expect(try await !channels.add(ChannelRecord(name: "main", kind: .dreamMachine, apiKey: "x", baseURL: fake.apiURL, createdAtMillis: 3)))
        #expect(try await channels.setEnabled(false, name: "spare"))
        await store.close()

        let gateway = try await TestGateway.start(
            directory: directory,
            configure: { configuration in
                configuration.upstreamCallbacks = .off
                configuration.upstreamPolling.firstPollSeconds = 0.2
                configuration.upstreamPolling.minPollSeconds = 0.1
            })
        let token = try await gateway.createToken()
        let id = try await gateway.submit(token: token, #"{"user_prompt": "through a stored channel"}"#)["id"] as! String
        let task = try await gateway.waitForTerminal(id, token: token)
        #expect(task["state"] as? String == "completed", "\(task)")
        #expect(try await gateway.gateway.tasks.find(id: id)?.channel == "main")
        await gateway.stop()
        await fake.stop()
    }

    @Test func aLoopbackPublicURLCannotCarryImagesToARemoteUpstream() async throws {
        try await TestGateway.with(configure: {
            $0.dreamMachine = DreamMachineChannel.Settings(apiKey: "unused")  // Luma's real address: never called here
            $0.runsPoller = false
        }) { gateway in
            let token = try await gateway.createToken()
            let refused = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: #"{"user_prompt": "x", "image_url": "\#(try Fixtures.pngDataURI())"}"#)
            #expect(refused.status == 400)
            #expect((refused.object["detail"] as? String)?.contains("--public-url") == true)
            let uploads = try await TestMedia.paths(under: "uploads/", directory: gateway.directory)
            #expect(uploads.isEmpty, "nothing stays behind")
            let textOnly = try await gateway.request(.POST, "/luma/generations", token: token, json: #"{"user_prompt": "x"}"#)
            #expect(textOnly.status == 200)
        }
    }
}

extension DreamMachineChannelTests {
    /// The official format: generation keyframes, images, and operations only Luma can do.
    @Test func keyframeGenerationsImagesAndOperationsReachLuma() async throws {
        let fake = try await FakeDreamMachine.start()
        try await withGateway(fake.apiURL) { gateway in
            let token = try await gateway.createToken()
            let first = try await gateway.createGeneration(token: token, #"{"model": "ray-2", "prompt": "first"}"#)["id"] as! String
            let second = try await gateway.createGeneration(token: token, #"{"model": "ray-2", "prompt": "second"}"#)["id"] as! String
            for id in [first, second] { _ = try await gateway.waitForGeneration(id, token: token) }
            let upstream = { (prompt: String) in fake.allGenerations.first { $0.prompt == prompt }! }

            let between =
                try await gateway.createGeneration(
                    token: token,
                    """
                    {"model": "ray-flash-2", "prompt": "between", "concepts": [{"key": "dolly_zoom"}],
                     "keyframes": {"frame0": {"type": "generation", "id": "\(first)"}, "frame1": {"type": "generation", "id": "\(second)"}}}
                    """)["id"] as! String
            #expect(try await gateway.waitForGeneration(between, token: token)["state"] as? String == "completed")
            let keyframes = upstream("between").request["keyframes"] as? [String: [String: String]]
            #expect(keyframes?["frame0"] == ["type": "generation", "id": upstream("first").id])
            #expect(keyframes?["frame1"] == ["type": "generation", "id": upstream("second").id])
            #expect(upstream("between").request["concepts"] as? [[String: String]] == [["key": "dolly_zoom"]])

            let image =
                try await gateway.createGeneration(
                    token: token, #"{"model": "photon-1", "prompt": "a still", "format": "png"}"#,
                    path: "/dream-machine/v1/generations/image")["id"] as! String
            let picture = try await gateway.waitForGeneration(image, token: token)
            #expect((picture["assets"] as? [String: String]) == ["image": fake.baseURL + "/files/thumb.jpg"])
            #expect(upstream("a still").path == "/dream-machine/v1/generations/image")
            #expect(upstream("a still").request["model"] as? String == "photon-1")

            let upscale = try await gateway.request(
                .POST, "/dream-machine/v1/generations/\(first)/upscale", token: token,
                json: #"{"resolution": "1080p", "callback_url": "http://127.0.0.1:1/client"}"#)
            #expect(upscale.status == 200, "\(upscale.text)")
            #expect(
                (upscale.object["request"] as? [String: String]) == [
                    "generation_type": "upscale_video", "resolution": "1080p", "callback_url": "http://127.0.0.1:1/client",
                ])
            let upscaled = try await gateway.waitForGeneration(upscale.object["id"] as! String, token: token)
            #expect((upscaled["assets"] as? [String: String])?["video"] == fake.baseURL + "/files/video.mp4")
            let relayed = try #require(fake.allGenerations.first { $0.path.hasSuffix("/upscale") })
            #expect(relayed.path == "/dream-machine/v1/generations/\(upstream("first").id)/upscale")
            #expect(relayed.request["callback_url"] == nil, "the client's callback is the gateway's to call, not Luma's")

            let reframe = try await gateway.request(
                .POST, "/dream-machine/v1/generations/image/reframe", token: token,
                json: #"{"media": {"url": "https://example.com/a.jpg"}, "model": "photon-flash-1", "aspect_ratio": "9:16"}"#)
            #expect(reframe.status == 201, "\(reframe.text)")
            let reframed = try await gateway.waitForGeneration(reframe.object["id"] as! String, token: token)
            #expect(reframed["generation_type"] as? String == "image")
            #expect((reframed["assets"] as? [String: String])?["image"] == fake.baseURL + "/files/thumb.jpg")

            let refusals: [(String, String, Int, String)] = [
                (
                    "/generations/video/modify", #"{"media": {"url": "https://example.com/v.mp4"}, "model": "ray-2"}"#, 400,
                    "Field `mode` is required: one of \"adhere_1\", \"adhere_2\", \"adhere_3\", \"flex_1\", \"flex_2\", \"flex_3\", \"reimagine_1\", \"reimagine_2\", \"reimagine_3\"."
                ),
                ("/generations/video/reframe", #"{"model": "ray-2", "aspect_ratio": "1:1"}"#, 400, "Field `media.url` is required."),
                (
                    "/generations/video/reframe", #"{"media": {"url": "https://x/v.mp4"}, "model": "ray-2", "aspect_ratio": "1:1", "x_start": "0"}"#,
                    400,
                    "Field `x_start` must be an integer."
                ),
                ("/generations/\(first)/audio", "{", 400, "The body is not valid JSON."),
                ("/generations/\(UUID().uuidString.lowercased())/upscale", "{}", 404, ""),
                ("/generations/\(image)/upscale", "{}", 409, ""),
            ]
            for (path, body, status, detail) in refusals {
                let reply = try await gateway.request(.POST, "/dream-machine/v1" + path, token: token, json: body)
                #expect(reply.status == status, "\(path) \(body): \(reply.text)")
                if !detail.isEmpty { #expect(reply.object["detail"] as? String == detail) }
            }
        }
        await fake.stop()
    }

    /// The OpenAI-shaped face through a Luma channel: the video Luma made, its size and length read
    /// from its MP4, its bytes downloaded through the gateway, an extension relayed, a remix refused.
    @Test func theOpenAIShapedFaceRelaysToLuma() async throws {
        let fake = try await FakeDreamMachine.start()
        try await withGateway(fake.apiURL) { gateway in
            let token = try await gateway.createToken()
            let created = try await gateway.request(
                .POST, "/v1/videos", token: token,
                json: #"{"model": "ray-2", "prompt": "a cat on a piano", "size": "1280x720", "seconds": 8}"#)
            #expect(created.status == 200, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            #expect(Int(try #require(created.header("openai-poll-after-ms"))) ?? 0 > 0)
            var video: [String: Any] = [:]
            for _ in 0..<300 {
                video = try await gateway.request(.GET, "/v1/videos/\(id)", token: token).object
                if ["completed", "failed"].contains(video["status"] as? String) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(video["status"] as? String == "completed", "\(video)")
            #expect(video["size"] as? String == "1360x752" && video["seconds"] as? String == "5" && video["progress"] as? Int == 100)
            let submitted = try #require(fake.recordedCalls.first { $0.method == "POST" })
            #expect(submitted.path.hasSuffix("/generations"))
            let upstreamID = try #require(try await gateway.gateway.tasks.find(id: id)?.upstreamID)
            let generation = try #require(fake.generation(upstreamID))
            #expect(generation.request["duration"] as? String == "9s" && generation.request["resolution"] as? String == "720p")
            let content = try await gateway.request(.GET, "/v1/videos/\(id)/content", token: token)
            #expect(content.status == 200 && content.header("content-type") == "video/mp4")
            #expect(MP4Probe.probe(content.body)?.width == 1360, "the upstream's MP4, through the gateway")
            let extended = try await gateway.request(
                .POST, "/v1/videos/extensions", token: token,
                json: #"{"video": {"id": "\#(id)"}, "prompt": "and then", "seconds": "4"}"#)
            #expect(extended.status == 200, "\(extended.text)")
            let remix = try await gateway.request(.POST, "/v1/videos/\(id)/remix", token: token, json: #"{"prompt": "again"}"#)
            let error = try #require(remix.object["error"] as? [String: Any])
            #expect(remix.status == 400 && (error["message"] as? String)?.contains("only sandbox videos can be remixed") == true)
        }
        await fake.stop()
    }
}
