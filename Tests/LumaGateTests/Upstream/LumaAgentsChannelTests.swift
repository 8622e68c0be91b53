import Foundation
@testable import LumaGate
import Testing

/// ray-3.2 through Luma's Agents API (a fake of it on 127.0.0.1), asked for through the relay and
/// official faces: the request Luma gets, outputs kept past Luma's links, trouble retried or
/// failed over, refusals failed and refunded, and what is refused before anything is stored.
@Suite struct LumaAgentsChannelTests {
    /// A gateway whose new tasks go to `fake` (or to the stored `channels`), polling fast.
    private func withGateway(
        _ fake: FakeLumaAgents?, channels: [ChannelRecord] = [],
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        _ body: (TestGateway) async throws -> Void
    ) async throws {
        let directory = try await TestGateway.directory(with: channels)
        try await TestGateway.with(
            directory: directory,
            configure: { configuration in
                if let fake { configuration.lumaAgents = LumaAgentsChannel.Settings(apiKey: FakeLumaAgents.apiKey, baseURL: fake.apiURL) }
                configuration.upstreamTimeoutSeconds = 5
                configuration.agentsPolling.firstPollSeconds = 0.2
                configuration.agentsPolling.minPollSeconds = 0.1
                configuration.agentsPolling.maxPollSeconds = 0.2
                configuration.poller.retrySeconds = 0.2
                configure(&configuration)
            }, body)
    }

    private func used(_ gateway: TestGateway, _ name: String) async throws -> Int64 {
        try #require(try await TokenRepository(database: gateway.gateway.database).find(idOrName: name)).used
    }

    @Test func aRay32VideoIsKeptAndOutlivesLumasLink() async throws {
        let fake = try await FakeLumaAgents.start(outputLifetime: 5)
        try await withGateway(fake) { gateway in
            let token = try await gateway.createToken("agents-client")
            let id =
                try await gateway.submit(
                    token: token,
                    #"""
                    {"user_prompt": "a lighthouse at dusk", "model_name": "ray-3.2", "duration": "10s", "resolution": "360p", "aspect_ratio": "21:9"}
                    """#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "completed", "\(task)")

            let generation = try #require(fake.allGenerations.first)
            #expect(generation.request["model"] as? String == "ray-3.2" && generation.request["type"] as? String == "video")
            #expect(generation.request["prompt"] as? String == "a lighthouse at dusk")
            #expect(generation.request["aspect_ratio"] as? String == "21:9")
            #expect(generation.video["duration"] as? String == "10s" && generation.video["resolution"] as? String == "360p")
            let stored = try #require(try await gateway.gateway.tasks.find(id: id))
            #expect(generation.request["user_id"] as? String == stored.tokenID, "Luma learns which client asked, not who")
            #expect(stored.price == 12, "two 5 s blocks at 360p")
            #expect(try await used(gateway, "agents-client") == 12)

            // Every URL is the gateway's; after Luma's link has expired, the video still plays.
            let video = try #require(task["video_raw"] as? [String: Any])
            let url = try #require(video["url"] as? String)
            #expect(url.hasPrefix(gateway.baseURL + "/media/tasks/\(id)/"))
            #expect(video["width"] as? Int == 640 && video["height"] as? Int == 360)
            #expect(video["duration"] as? Double == 5.041667)
            try await Task.sleep(for: .seconds(5.2))
            let expired = try await TestGateway.request(.GET, try #require(fake.outputURLs.last))
            #expect(expired.status == 403, "Luma's link has expired")
            let kept = try await gateway.request(.GET, url)
            #expect(kept.status == 200 && kept.header("content-type") == "video/mp4")
            let streams = try await FFprobe.streams(of: kept.body, suffix: ".mp4")
            #expect(streams.first?.codec_name == "h264" && streams.first?.width == 640)
            let thumbnail = try #require(task["thumbnail"] as? [String: Any])
            #expect(thumbnail["width"] as? Int == 640)
            #expect(((thumbnail["palette"] as? [String: Any])?["grid"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 75)
            let lastFrame = try #require(task["last_frame"] as? [String: Any])
            #expect(try await gateway.request(.GET, lastFrame["url"] as! String).status == 200)
            #expect(!(try await gateway.request(.GET, "/luma/generations/\(id)", token: token)).text.contains(fake.baseURL))
        }
        await fake.stop()
    }

    @Test func anEXRExportIsKeptBesideTheVideo() async throws {
        // Luma's links live 5 s here: time for a loaded machine to fetch both files after the
        // poll that handed them out (with 1 s the task once did not finish within 90 s in CI).
        let fake = try await FakeLumaAgents.start(outputLifetime: 5)
        try await withGateway(fake) { gateway in
            let token = try await gateway.createToken()
            let created = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"""
                    {"model": "ray-3.2", "prompt": "a grade-ready sunset", "video": {"resolution": "720p", "hdr": true, "exr_export": true}}
                    """#)
            #expect(created.status == 201, "\(created.text)")
            let done = try await gateway.waitForTerminal(try #require(created.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            let outputs = try #require(done["output"] as? [[String: Any]])
            #expect(outputs.map { $0["type"] as? String } == ["video", "exr"], "\(done)")
            #expect(fake.allGenerations.first?.video["exr_export"] as? Bool == true)

            try await Task.sleep(for: .seconds(5.2))
            #expect(try await TestGateway.request(.GET, try #require(fake.outputURLs.last)).status == 403, "Luma's link has expired")
            let exr = try await gateway.request(.GET, try #require(outputs.last?["url"] as? String))
            #expect(exr.status == 200 && exr.body.prefix(4) == Data([0x76, 0x2F, 0x31, 0x01]), "the OpenEXR file, byte for byte")
            #expect(exr.header("x-content-type-options") == "nosniff")
            #expect(try await gateway.request(.GET, try #require(outputs.first?["url"] as? String)).status == 200)
        }
        await fake.stop()
    }

    @Test func framesGoInlineAndExtensionsContinueByGenerationID() async throws {
        let fake = try await FakeLumaAgents.start()
        try await withGateway(fake) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(
                    token: token,
                    #"""
                    {"user_prompt": "from an image", "model_name": "ray-3.2", "image_url": "\#(try Fixtures.pngDataURI())"}
                    """#)["id"] as! String
            #expect(try await gateway.waitForTerminal(id, token: token)["state"] as? String == "completed")
            let parent = try #require(fake.allGenerations.first)
            let start = try #require(parent.video["start_frame"] as? [String: Any])
            let mediaType = try #require(start["media_type"] as? String)
            let bytes = try #require((start["data"] as? String).flatMap { Data(base64Encoded: $0) })
            #expect(ImageProbe.format(of: bytes)?.mediaType == mediaType, "the image travels inline: Luma needs no way back to the gateway")
            #expect(start["url"] == nil)

            // An extension names no model: it is made by its parent's, on its parent's channel.
            let child = try await gateway.request(.POST, "/luma/generations/\(id)/extend", token: token, json: #"{"user_prompt": "and then"}"#)
            #expect(child.status == 200, "\(child.text)")
            let childID = child.object["id"] as! String
            #expect(try await gateway.waitForTerminal(childID, token: token)["state"] as? String == "completed")
            let continued = try #require(fake.allGenerations.first { $0.prompt == "and then" })
            #expect((continued.video["start_frame"] as? [String: Any])?["generation_id"] as? String == parent.id)

            // A ray-2 extension of a ray-3.2 video would need another upstream: refused.
            let mixed = try await gateway.request(
                .POST, "/luma/generations/\(id)/extend", token: token,
                json: #"{"user_prompt": "older", "model_name": "ray-2"}"#)
            #expect(mixed.status == 400 && mixed.text.contains("same model family"), "\(mixed.text)")
        }
        await fake.stop()
    }

    @Test func theOfficialFaceAsksForRay32WithKeyframes() async throws {
        let fake = try await FakeLumaAgents.start()
        try await withGateway(fake) { gateway in
            let token = try await gateway.createToken()
            let created = try await gateway.request(
                .POST, "/dream-machine/v1/generations", token: token,
                json: #"""
                    {"prompt": "a fox in snow", "model": "ray-3.2", "resolution": "540p", "duration": "5s",
                     "keyframes": {"frame0": {"type": "image", "url": "\#(try Fixtures.pngDataURI())"}}}
                    """#)
            #expect(created.status == 201, "\(created.text)")
            let id = created.object["id"] as! String
            let generation = try await gateway.waitForTerminal(id, token: token, path: "/dream-machine/v1/generations/")
            #expect(generation["state"] as? String == "completed", "\(generation)")
            #expect(generation["model"] as? String == "ray-3.2")
            let assets = try #require(generation["assets"] as? [String: Any])
            #expect((assets["video"] as? String)?.hasPrefix(gateway.baseURL + "/media/") == true)
            let sent = try #require(fake.allGenerations.first)
            #expect(sent.video["resolution"] as? String == "540p")
            #expect((sent.video["start_frame"] as? [String: Any])?["data"] != nil)
        }
        await fake.stop()
    }

    /// Guidance images, web search, layering and a video edit's controls and keyframes reach Luma
    /// as its API takes them, every image inline; a layering's layers are kept with their meaning.
    @Test func theRestOfLumasOptionsArriveFieldByField() async throws {
        let fake = try await FakeLumaAgents.start()
        try await withGateway(fake) { gateway in
            let token = try await gateway.createToken()
            let png = try Fixtures.data("first-frame.png").base64EncodedString()
            func made(_ json: String) async throws -> [String: Any] {
                let created = try await gateway.request(.POST, "/agents/v1/generations", token: token, json: json)
                #expect(created.status == 201, "\(created.text)")
                return try await gateway.waitForTerminal(try #require(created.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            }
            func inline(_ value: Any?) -> Bool {
                guard let reference = value as? [String: Any], let data = reference["data"] as? String else { return false }
                return Data(base64Encoded: data).flatMap(ImageProbe.format(of:))?.mediaType == reference["media_type"] as? String
                    && reference.count == 2
            }
            _ = try await made(
                #"{"model": "uni-1", "prompt": "guided", "aspect_ratio": "1:1", "web_search": true, "style": "manga", "image_ref": [{"data": "\#(png)", "media_type": "image/png"}, {"data": "\#(png)", "media_type": "image/png"}]}"#
            )
            let guided = try #require(fake.allGenerations.first { $0.prompt == "guided" })
            #expect(guided.request["web_search"] as? Bool == true && guided.request["type"] as? String == "image")
            #expect(guided.request["style"] as? String == "manga")
            let references = try #require(guided.request["image_ref"] as? [Any])
            #expect(references.count == 2 && references.allSatisfy(inline), "each guidance image inline")

            let tall = TestGateway.temporaryDirectory()
            try await FFmpegFixture.make(["-f", "lavfi", "-i", "color=c=blue:s=90x160", "-frames:v", "1", "tall.png"], in: tall)
            let tallPNG = try Data(contentsOf: URL(fileURLWithPath: tall + "/tall.png")).base64EncodedString()
            _ = try await made(
                #"{"model": "uni-1", "type": "image_edit", "prompt": "tall edit", "source": {"data": "\#(tallPNG)", "media_type": "image/png"}}"#)
            let tallEdit = try #require(fake.allGenerations.first { $0.prompt == "tall edit" })
            #expect(tallEdit.request["aspect_ratio"] as? String == "9:16", "the source's frame, not 16:9")

            let layered = try await made(
                #"{"type": "layering", "prompt": "split the kite", "layering": {"resolution": "2k"}, "source": {"data": "\#(png)", "media_type": "image/png"}}"#
            )
            let split = try #require(fake.allGenerations.first { $0.prompt == "split the kite" })
            #expect(split.request["model"] as? String == "uni-1" && split.request["type"] as? String == "layering")
            #expect((split.request["layering"] as? [String: Any])?["resolution"] as? String == "2k")
            #expect(inline(split.request["source"]) && split.request["aspect_ratio"] == nil && split.request["output_format"] == nil)
            let layers = try #require(layered["output"] as? [[String: Any]])
            #expect(layers.map { ($0["layer"] as? [String: Any])?["label"] as? String } == ["kite", "sky"], "\(layered)")
            #expect(layers.map { ($0["layer"] as? [String: Any])?["alpha_hint"] as? String } == ["soft", "none"])
            for layer in layers {
                let url = try #require(layer["url"] as? String)
                #expect(url.hasPrefix(gateway.baseURL + "/media/") && url.hasSuffix(".png"), "kept by the gateway: \(url)")
                #expect(ImageProbe.format(of: try await gateway.request(.GET, url).body) == .png)
            }

            let source = try await made(#"{"model": "ray-3.2", "prompt": "to be steered", "video": {"resolution": "540p"}}"#)
            let sourceID = try #require(source["id"] as? String)
            _ = try await made(
                #"{"model": "ray-3.2", "type": "video_edit", "prompt": "steered", "source": {"generation_id": "\#(sourceID)"}, "video": {"edit": {"strength": "adhere_2", "auto_controls": false, "controls": {"depth": {"enabled": true, "blur": 0.25}, "pose": {"strength": "coarse"}, "face": {"enabled": false}}, "keyframes": [{"data": "\#(png)", "media_type": "image/png"}], "keyframe_indexes": [48]}}}"#
            )
            let steered = try #require(fake.allGenerations.first { $0.prompt == "steered" })
            let sourceAtLuma = try #require(fake.allGenerations.first { $0.prompt == "to be steered" })
            #expect((steered.request["source"] as? [String: Any])?["generation_id"] as? String == sourceAtLuma.id)
            let edit = try #require(steered.video["edit"] as? [String: Any])
            #expect(edit["strength"] as? String == "adhere_2" && edit["auto_controls"] as? Bool == false)
            let controls = try #require(edit["controls"] as? [String: Any])
            #expect(Set(controls.keys) == ["depth", "pose", "face"])
            #expect(
                (controls["depth"] as? [String: Any])?["blur"] as? Double == 0.25
                    && (controls["depth"] as? [String: Any])?["enabled"] as? Bool == true)
            #expect((controls["pose"] as? [String: Any]).map { $0.count == 1 && $0["strength"] as? String == "coarse" } == true)
            #expect((controls["face"] as? [String: Any])?["enabled"] as? Bool == false)
            #expect((edit["keyframes"] as? [Any]).map { $0.count == 1 && $0.allSatisfy(inline) } == true)
            #expect(edit["keyframe_indexes"] as? [Int] == [48])

            // A video the client sent goes to Luma inline, as the gateway's MP4.
            let directory = TestGateway.temporaryDirectory()
            try await FFmpegFixture.make(
                ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=24", "-frames:v", "48", "-c:v", "libx264", "-pix_fmt", "yuv420p", "sent.mp4"],
                in: directory)
            let sent = try Data(contentsOf: URL(fileURLWithPath: directory + "/sent.mp4")).base64EncodedString()
            _ = try await made(
                #"{"model": "ray-3.2", "type": "video_reframe", "prompt": "sent video", "aspect_ratio": "1:1", "source": {"data": "\#(sent)", "media_type": "video/mp4"}}"#
            )
            let reframe = try #require(fake.allGenerations.first { $0.prompt == "sent video" })
            let sentSource = try #require(reframe.request["source"] as? [String: Any])
            #expect(sentSource["media_type"] as? String == "video/mp4" && sentSource.count == 2)
            let inlineVideo = try #require((sentSource["data"] as? String).flatMap { Data(base64Encoded: $0) })
            #expect(MP4Probe.probe(inlineVideo).map { [$0.width, $0.height] } == [320, 180], "the gateway's re-muxed copy")

            let late = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json:
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "too late", "source": {"generation_id": "\#(sourceID)"}, "video": {"edit": {"keyframes": [{"data": "\#(png)", "media_type": "image/png"}], "keyframe_indexes": [500]}}}"#
            )
            #expect(late.status == 422 && late.text.contains("past the source's last frame"), "\(late.text)")
        }
        await fake.stop()
    }

    @Test func rateLimitsAndOutagesAreWaitedOutAndRefusalsFailWithARefund() async throws {
        let fake = try await FakeLumaAgents.start(outputFailures: 2)
        try await withGateway(fake) { gateway in
            let token = try await gateway.createToken("troubled")
            var ids: [String: String] = [:]
            for prompt in [
                "busy now", "crowded now", "overloaded now", "reject this", "unprocessable frame",
                "fail:content_moderated please", "fail:generation_failed please", "fail:corrupt_input please",
            ] {
                ids[prompt] = try await gateway.submit(token: token, #"{"user_prompt": "\#(prompt)", "model_name": "ray-3.2"}"#)["id"] as? String
            }
            var tasks: [String: [String: Any]] = [:]
            for (prompt, id) in ids { tasks[prompt] = try await gateway.waitForTerminal(id, token: token) }
            for prompt in ["busy now", "crowded now", "overloaded now"] {
                #expect(tasks[prompt]?["state"] as? String == "completed", "\(prompt): \(tasks[prompt] ?? [:])")
            }
            #expect(tasks["reject this"]?["failure_reason"] as? String == "Luma refused this request: Prompt is not allowed.")
            #expect((tasks["unprocessable frame"]?["failure_reason"] as? String)?.contains("`video.start_frame`: image could not be decoded") == true)
            #expect((tasks["fail:content_moderated please"]?["failure_reason"] as? String)?.contains("content moderation refused") == true)
            #expect((tasks["fail:generation_failed please"]?["failure_reason"] as? String)?.contains("(generation_failed): Scripted failure") == true)
            // The Agents face shows Luma's own code again.
            let corrupt = try await gateway.request(.GET, "/agents/v1/generations/\(ids["fail:corrupt_input please"]!)", token: token)
            #expect(corrupt.object["failure_code"] as? String == "corrupt_input", "\(corrupt.text)")
            // Three completed at 720p (30 each); the five failures were charged and refunded once.
            #expect(try await used(gateway, "troubled") == 90)
            let refunds = try await LedgerRepository(database: gateway.gateway.database).entries().filter { $0.kind == .refund }
            #expect(refunds.count == 5 && Set(refunds.map(\.taskID)).count == 5)
        }
        await fake.stop()
    }

    @Test func anAccountWithoutBalanceIsDisabledAndItsTasksGoToTheNextChannel() async throws {
        let broke = try await FakeLumaAgents.start(submitStatus: 402)
        let healthy = try await FakeLumaAgents.start()
        let channels = [
            ChannelRecord(name: "broke", kind: .lumaAgents, apiKey: FakeLumaAgents.apiKey, baseURL: broke.apiURL, createdAtMillis: 1, priority: 10),
            ChannelRecord(name: "healthy", kind: .lumaAgents, apiKey: FakeLumaAgents.apiKey, baseURL: healthy.apiURL, createdAtMillis: 1),
        ]
        try await withGateway(nil, channels: channels) { gateway in
            let token = try await gateway.createToken()
            let first = try await gateway.submit(token: token, #"{"user_prompt": "first", "model_name": "ray-3.2"}"#)["id"] as! String
            #expect(try await gateway.waitForTerminal(first, token: token)["state"] as? String == "completed")
            let second = try await gateway.submit(token: token, #"{"user_prompt": "second", "model_name": "ray-3.2"}"#)["id"] as! String
            #expect(try await gateway.waitForTerminal(second, token: token)["state"] as? String == "completed")
            #expect(broke.submitCount == 1, "one 402 disables the channel at once")
            #expect(healthy.allGenerations.count == 2)
            let stored = try await ChannelRepository(database: gateway.gateway.database).all()
            let disabled = try #require(stored.first { $0.name == "broke" })
            #expect(!disabled.enabled && disabled.disabledReason?.contains("no balance left (HTTP 402)") == true)

            // ray-2 has no channel here: the 503 of a request no channel can take.
            let older = try await gateway.request(.POST, "/luma/generations", token: token, json: #"{"user_prompt": "older", "model_name": "ray-2"}"#)
            #expect(older.status == 503, "\(older.text)")
        }
        await broke.stop()
        await healthy.stop()
    }

    @Test func anOutputTooLargeToKeepFailsItsTaskWithARefund() async throws {
        let fake = try await FakeLumaAgents.start()
        try await withGateway(fake, configure: { $0.outputKeeping.maxBytes = 10_000 }) { gateway in
            let token = try await gateway.createToken("large")
            let id = try await gateway.submit(token: token, #"{"user_prompt": "too big", "model_name": "ray-3.2"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "failed")
            #expect((task["failure_reason"] as? String)?.contains("could not keep it") == true, "\(task)")
            #expect(try await used(gateway, "large") == 0)
            let directory = gateway.gateway.configuration.mediaDirectory + "/tasks/\(id)"
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).isEmpty, "no partial file stays behind")
        }
        await fake.stop()
    }

    @Test func everyFailureCodeBecomesASentenceAClientCanActOn() throws {
        let advice = [
            "content_moderated": "Change the prompt or image", "generation_failed": "(generation_failed): why.",
            "budget_exhausted": "Submit it again later", "output_not_found": "(output_not_found): why.",
            "image_too_large": "Send a PNG, JPEG or WebP", "unsupported_format": "Send a PNG, JPEG or WebP",
            "corrupt_input": "Send a PNG, JPEG or WebP", "invalid_request": "refused this request as invalid: why.",
            "rate_limited": "Submit it again later",
        ]
        for (code, words) in advice {
            let sentence = LumaAgentsMapping.failureSentence(code: code, reason: "why")
            #expect(sentence.contains(words), "\(code): \(sentence)")
            #expect(LumaAgentsMapping.failureCode(of: sentence) == code, "the Agents face shows Luma's code again: \(sentence)")
        }
        #expect(Set(advice.keys) == Set(LumaAgentsMapping.failureCodes))
        #expect(LumaAgentsMapping.failureCode(of: "The sandbox failed this task on purpose") == "generation_failed")
        #expect(LumaAgentsMapping.failureSentence(code: nil, reason: " ").contains("gave no reason"))
        #expect(
            try LumaAgentsMapping.progress(of: .init(id: "g", state: "completed", output: []))
                == .failed(
                    reason: LumaAgentsMapping.failureSentence(code: "output_not_found", reason: "the completed generation has no output")))
        #expect(throws: UpstreamError.self) { try LumaAgentsMapping.progress(of: .init(id: "g", state: "dreaming")) }
    }

    @Test func ray32OptionsAreCheckedBeforeAnythingIsStored() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken("checked")
            let refused: [(String, String)] = [
                (
                    #"{"user_prompt": "x", "model_name": "ray-3.2", "duration": "9s"}"#,
                    #"Field `duration` must be one of \"5s\", \"10s\" for model ray-3.2."#
                ),
                (#"{"user_prompt": "x", "model_name": "ray-3.2", "resolution": "4k"}"#, "Field `resolution`"),
                (#"{"user_prompt": "x", "model_name": "ray-3.2", "aspect_ratio": "9:21"}"#, "Field `aspect_ratio`"),
                (#"{"user_prompt": "x", "model_name": "ray-3.2", "duration": "10s", "loop": true}"#, "Field `loop`"),
                (#"{"user_prompt": "x", "model_name": "ray-3.2", "duration": "10s", "image_url": "https://example.com/a.png"}"#, "Field `image_url`"),
                (#"{"user_prompt": "x", "model_name": "ray-2", "resolution": "360p"}"#, #"for model ray-2."#),
                (#"{"user_prompt": "x", "model_name": "ray-2", "duration": "10s"}"#, "Field `duration`"),
            ]
            for (body, message) in refused {
                let reply = try await gateway.request(.POST, "/luma/generations", token: token, json: body)
                #expect(reply.status == 400 && reply.text.contains(message), "\(body): \(reply.text)")
            }
            let official = try await gateway.request(
                .POST, "/dream-machine/v1/generations", token: token,
                json: #"{"prompt": "x", "model": "ray-3.2", "concepts": [{"key": "dolly_zoom"}]}"#)
            #expect(official.status == 400 && official.text.contains("Field `concepts`"), "\(official.text)")
            #expect(try await gateway.gateway.tasks.countInFlight() == 0)
            #expect(try await used(gateway, "checked") == 0)
        }
    }

    @Test func theSandboxRendersRay32AtItsResolutionAndLength() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(
                    token: token,
                    #"""
                    {"user_prompt": "a draft", "model_name": "ray-3.2", "duration": "10s", "resolution": "360p", "aspect_ratio": "9:16"}
                    """#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            let video = try #require(task["video_raw"] as? [String: Any])
            #expect(video["width"] as? Int == 360 && video["height"] as? Int == 640)
            #expect(video["duration"] as? Double == 10.041667)
        }
    }
}
