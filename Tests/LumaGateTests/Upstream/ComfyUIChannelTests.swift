import Foundation
@testable import LumaGate
import Testing

/// Open models on a ComfyUI machine (a fake of one on 127.0.0.1, speaking what a real ComfyUI
/// answered), asked for through every face: the prompt ComfyUI gets, the kept output, its
/// refusals and failures refunded, a machine that loses its queue, delete, a gateway restarted
/// mid-task, two gateways on one machine, and the shortest queue chosen.
@Suite struct ComfyUIChannelTests {
    /// A model for these tests: the smoke workflow whose prompt is written into SaveVideo's file
    /// prefix, where the fake reads its script words; 7 credits for 5 s.
    static let scriptedModel = """
        {
          "aspect_ratios": ["16:9", "9:16", "1:1"], "resolutions": ["240p"], "durations": ["1s", "2s"],
          "prices": {"240p": 7}, "typical_seconds": 2, "fps": 24,
          "inputs": {"prompt": "4.filename_prefix", "width": "1.width", "height": "1.height", "frames": "2.amount",
                     "fps": "3.fps", "start_image": "5.image"},
          "output": "4",
          "workflow": {
            "1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": 0}},
            "2": {"class_type": "RepeatImageBatch", "inputs": {"image": ["1", 0], "amount": 1}},
            "3": {"class_type": "CreateVideo", "inputs": {"images": ["2", 0], "fps": 24.0}},
            "4": {"class_type": "SaveVideo", "inputs": {"video": ["3", 0], "filename_prefix": "x", "format": "auto", "codec": "auto"}}
          },
          "image_workflow": {
            "5": {"class_type": "LoadImage", "inputs": {"image": "example.png"}},
            "1": {"class_type": "ImageScale", "inputs": {"image": ["5", 0], "upscale_method": "bilinear", "width": 64, "height": 64, "crop": "center"}},
            "2": {"class_type": "RepeatImageBatch", "inputs": {"image": ["1", 0], "amount": 1}},
            "3": {"class_type": "CreateVideo", "inputs": {"images": ["2", 0], "fps": 24.0}},
            "4": {"class_type": "SaveVideo", "inputs": {"video": ["3", 0], "filename_prefix": "x", "format": "auto", "codec": "auto"}}
          }
        }
        """

    /// A folder of ComfyUI model files: `scripted` and whatever `extra` adds.
    static func modelFolder(_ extra: [String: String] = [:]) throws -> String {
        let folder = TestGateway.temporaryDirectory()
        for (name, text) in extra.merging(["scripted": scriptedModel], uniquingKeysWith: { first, _ in first }) {
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name).json"))
        }
        return folder
    }

    static func channel(_ fake: FakeComfyUI, name: String = "gpu1", priority: Int = 0) -> ChannelRecord {
        ChannelRecord(name: name, kind: .comfyUI, apiKey: "", baseURL: fake.baseURL, createdAtMillis: 0, priority: priority)
    }

    /// A gateway whose tasks go to the stored `channels`, polling fast (every `pollSeconds`),
    /// trusting no host but the channels' own.
    static func withGateway<T>(
        channels: [ChannelRecord], directory: String? = nil, pollSeconds: Double = 0.1, _ body: (TestGateway) async throws -> T
    ) async throws -> T {
        var directory = directory
        if directory == nil { directory = try await TestGateway.directory(with: channels) }
        let folder = try modelFolder()
        return try await TestGateway.with(
            directory: directory,
            configure: { configuration in
                configuration.comfyUI = try! ComfyUIModels.builtIn.adding(directory: folder)
                configuration.models = try! configuration.models.adding(configuration.comfyUI.specs)
                configuration.outboundAllowHosts = []
                configuration.upstreamTimeoutSeconds = 5
                configuration.comfyUIPolling.firstPollSeconds = pollSeconds
                configuration.comfyUIPolling.minPollSeconds = pollSeconds
                configuration.comfyUIPolling.maxPollSeconds = pollSeconds * 2
                configuration.poller.retrySeconds = 0.2
            }, body)
    }

    private func used(_ gateway: TestGateway, _ name: String) async throws -> Int64 {
        try #require(try await TokenRepository(database: gateway.gateway.database).find(idOrName: name)).used
    }

    @Test func theSmokeModelIsMadeThroughEveryFaceAndKept() async throws {
        let fake = try await FakeComfyUI.start()
        try await Self.withGateway(channels: [Self.channel(fake)]) { gateway in
            let token = try await gateway.createToken("smoke-client")
            var ids: [String] = []
            let relay = try await gateway.submit(
                token: token, #"{"user_prompt": "a blue field", "model_name": "comfyui-smoke", "duration": "2s", "aspect_ratio": "16:9"}"#)
            ids.append(try #require(relay["id"] as? String))
            let official = try await gateway.createGeneration(
                token: token, #"{"prompt": "a blue field", "model": "comfyui-smoke", "resolution": "360p", "duration": "1s", "aspect_ratio": "9:16"}"#
            )
            ids.append(try #require(official["id"] as? String))
            let agents = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json:
                    #"{"model": "comfyui-smoke", "prompt": "a blue field", "aspect_ratio": "1:1", "video": {"duration": "3s", "resolution": "240p"}}"#
            )
            #expect(agents.status == 201, "\(agents.text)")
            ids.append(try #require(agents.object["id"] as? String))
            let openAI = try await gateway.request(
                .POST, "/v1/videos", token: token, json: #"{"model": "comfyui-smoke", "prompt": "a blue field", "size": "426x240", "seconds": "4"}"#)
            #expect(openAI.status == 200, "\(openAI.text)")
            ids.append(try #require(openAI.object["id"] as? String))

            // Size, frames and rate as each face asked: the ratio at the resolution, on a 16-pixel grid.
            let expected = [(416, 240, 48), (352, 640, 24), (240, 240, 72), (416, 240, 96)]
            for (id, (width, height, frames)) in zip(ids, expected) {
                let task = try await gateway.waitForTerminal(id, token: token)
                #expect(task["state"] as? String == "completed", "\(task)")
                let prompt = try #require(fake.posts.first { $0.id == id })
                #expect(prompt.object["prompt_id"] as? String == id, "the prompt's id is the task's")
                #expect(prompt.clientID?.hasPrefix("lumagate-") == true)
                #expect(prompt.input("width", of: "EmptyImage") as? Int == width && prompt.input("height", of: "EmptyImage") as? Int == height)
                #expect(prompt.input("amount", of: "RepeatImageBatch") as? Int == frames)
                let video = try #require(task["video_raw"] as? [String: Any])
                let url = try #require(video["url"] as? String)
                #expect(url.hasPrefix(gateway.baseURL + "/media/tasks/\(id)/"), "the gateway's copy, not ComfyUI's /view")
                #expect(video["width"] as? Int == width && video["height"] as? Int == height)
                #expect(video["duration"] as? Double == Double(frames) / 24)
                let kept = try await gateway.request(.GET, url)
                let stream = try #require(try await FFprobe.streams(of: kept.body, suffix: ".mp4").first)
                #expect(stream.codec_name == "h264" && stream.width == width && stream.height == height)
            }
            #expect(Set(fake.posts.map(\.id)) == Set(ids) && fake.posts.count == 4, "each task posted once")
            #expect(try await used(gateway, "smoke-client") == 0, "the built-in templates are free unless priced")
        }
        await fake.stop()
    }

    @Test func aStartImageIsUploadedIntoTheTasksFolderAndModelsRefuseImagesTheyCannotUse() async throws {
        let fake = try await FakeComfyUI.start()
        try await Self.withGateway(channels: [Self.channel(fake)]) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(
                    token: token,
                    #"{"user_prompt": "from a frame", "model_name": "scripted", "duration": "1s", "image_url": "\#(try Fixtures.pngDataURI())"}"#
                )["id"] as! String
            #expect(try await gateway.waitForTerminal(id, token: token)["state"] as? String == "completed")
            let prompt = try #require(fake.posts.first)
            let loaded = try #require(prompt.input("image", of: "LoadImage") as? String)
            #expect(loaded.hasPrefix("lumagate/\(id)/start."), "\(loaded)")
            let stored = try #require(try await gateway.gateway.tasks.find(id: id)?.request.image?.storedPath)
            #expect(fake.uploads[loaded] == (try await gateway.gateway.mediaStore.read(stored)), "the gateway's copy, byte for byte")
            #expect(prompt.graph["1"]?["class_type"] as? String == "ImageScale", "the image workflow")

            // An end image is more than this model takes: refused before anything is stored or charged.
            let refused = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: #"{"user_prompt": "x", "model_name": "scripted", "duration": "1s", "image_end_url": "\#(try Fixtures.pngDataURI())"}"#)
            #expect(refused.status == 400 && refused.text.contains("image_end_url") && refused.text.contains("scripted"), "\(refused.text)")
            #expect(fake.posts.count == 1)
        }
        await fake.stop()
    }

    @Test func refusalsAndFailuresNameTheNodeAndAreRefunded() async throws {
        let fake = try await FakeComfyUI.start()
        let broken = Self.scriptedModel.replacingOccurrences(of: #""class_type": "CreateVideo""#, with: #""class_type": "CreateVideoPro""#)
        // EmptyImage without its required `color`: every name exists, so only /prompt finds it.
        let incomplete = Self.scriptedModel.replacingOccurrences(of: #""batch_size": 1, "color": 0"#, with: #""batch_size": 1"#)
        let folder = try Self.modelFolder(["broken": broken, "incomplete": incomplete])
        let directory = try await TestGateway.directory(with: [Self.channel(fake)])
        try await TestGateway.with(
            directory: directory,
            configure: { configuration in
                configuration.comfyUI = try! ComfyUIModels.builtIn.adding(directory: folder)
                configuration.models = try! configuration.models.adding(configuration.comfyUI.specs)
                configuration.comfyUIPolling.firstPollSeconds = 0.1
                configuration.comfyUIPolling.minPollSeconds = 0.1
                configuration.comfyUIPolling.maxPollSeconds = 0.2
            }
        ) { gateway in
            let name = "comfy-money"
            let token = try await gateway.createToken(name)
            // The machine lacks a node class of `broken`: once its /object_info is read, the
            // channel takes none of its tasks, and with no other channel the submit is a 503.
            let router = gateway.gateway.taskService.router
            try await waitUntil { router.candidates(for: GenerationRequest(prompt: "x", model: "broken")).isEmpty }
            #expect(!router.candidates(for: GenerationRequest(prompt: "x", model: "scripted")).isEmpty)
            let unrunnable = try await gateway.request(
                .POST, "/luma/generations", token: token, json: #"{"user_prompt": "x", "model_name": "broken", "duration": "1s"}"#)
            #expect(unrunnable.status == 503, "\(unrunnable.text)")

            // ComfyUI refuses the workflow at /prompt: failed at once with its node and input, refunded.
            let refused =
                try await gateway.submit(token: token, #"{"user_prompt": "x", "model_name": "incomplete", "duration": "1s"}"#)["id"] as! String
            let refusedTask = try await gateway.waitForTerminal(refused, token: token)
            #expect(refusedTask["state"] as? String == "failed")
            #expect(
                refusedTask["failure_reason"] as? String
                    == "ComfyUI refused this request: node 1 (EmptyImage): Required input is missing: color.", "\(refusedTask)")

            // The run fails at a node: its node, class and message are the reason.
            let exploded =
                try await gateway.submit(token: token, #"{"user_prompt": "explode", "model_name": "scripted", "duration": "1s"}"#)["id"] as! String
            let explodedTask = try await gateway.waitForTerminal(exploded, token: token)
            #expect(
                explodedTask["failure_reason"] as? String
                    == "ComfyUI failed at node 3 (KSampler): Allocation on device would exceed allowed memory. (out of memory)", "\(explodedTask)")

            // What ComfyUI saved is a web page, not a video: never served, failed and refunded.
            let page =
                try await gateway.submit(token: token, #"{"user_prompt": "html-output", "model_name": "scripted", "duration": "1s"}"#)["id"]
                as! String
            let pageTask = try await gateway.waitForTerminal(page, token: token)
            #expect((pageTask["failure_reason"] as? String)?.contains("not a playable MP4") == true, "\(pageTask)")
            #expect(!FileManager.default.fileExists(atPath: "\(gateway.directory)/media/tasks/\(page)/video.mp4"))

            let made =
                try await gateway.submit(token: token, #"{"user_prompt": "fine", "model_name": "scripted", "duration": "1s"}"#)["id"] as! String
            #expect(try await gateway.waitForTerminal(made, token: token)["state"] as? String == "completed")
            #expect(try await used(gateway, name) == 2, "only the video that was made is paid for: 1 s of 7 credits for 5 s")
            try await LedgerAudit.read(gateway.gateway.database, token: name, limit: 10).expectBalanced(taskCount: 4)
        }
        await fake.stop()
    }

    @Test func aSubmitTriedAgainFindsItsPromptAndALostPromptIsGivenOnceMore() async throws {
        let fake = try await FakeComfyUI.start()
        try await Self.withGateway(channels: [Self.channel(fake)]) { gateway in
            let token = try await gateway.createToken()
            // The first post is queued but answered with a 500: the retry finds it and posts nothing.
            let retried =
                try await gateway.submit(token: token, #"{"user_prompt": "post-then-500", "model_name": "scripted", "duration": "1s"}"#)["id"]
                as! String
            #expect(try await gateway.waitForTerminal(retried, token: token)["state"] as? String == "completed")
            #expect(fake.posts.filter { $0.id == retried }.count == 1 && fake.ran.filter { $0 == retried }.count == 1)

            // ComfyUI restarts with the prompt queued: it is posted again, once, and finishes.
            fake.hold()
            let lost =
                try await gateway.submit(token: token, #"{"user_prompt": "lost once", "model_name": "scripted", "duration": "1s"}"#)["id"] as! String
            try await waitUntil { fake.posts.contains { $0.id == lost } }
            fake.restart()
            try await waitUntil { fake.posts.filter { $0.id == lost }.count == 2 }
            fake.hold(false)
            #expect(try await gateway.waitForTerminal(lost, token: token)["state"] as? String == "completed")

            // Lost again after that: the task fails (and is refunded) rather than waiting for ever.
            fake.hold()
            let twice =
                try await gateway.submit(token: token, #"{"user_prompt": "lost twice", "model_name": "scripted", "duration": "1s"}"#)["id"] as! String
            try await waitUntil { fake.posts.contains { $0.id == twice } }
            fake.restart()
            try await waitUntil { fake.posts.filter { $0.id == twice }.count == 2 }
            fake.restart()
            let failed = try await gateway.waitForTerminal(twice, token: token)
            #expect((failed["failure_reason"] as? String)?.contains("lost this task twice") == true, "\(failed)")
            fake.hold(false)
        }
        await fake.stop()
    }

    @Test func deletingATaskTakesItsPromptOffTheQueueOrInterruptsIt() async throws {
        let fake = try await FakeComfyUI.start(runSeconds: 30)
        try await Self.withGateway(channels: [Self.channel(fake)]) { gateway in
            let token = try await gateway.createToken()
            let running =
                try await gateway.submit(token: token, #"{"user_prompt": "first", "model_name": "scripted", "duration": "1s"}"#)["id"] as! String
            let queued =
                try await gateway.submit(token: token, #"{"user_prompt": "second", "model_name": "scripted", "duration": "1s"}"#)["id"] as! String
            try await waitUntil { fake.posts.count == 2 && fake.queueLength == 2 }
            // Both are at the machine by the gateway's books too.
            for id in [running, queued] {
                while try await gateway.gateway.tasks.find(id: id)?.upstreamID == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            for id in [queued, running] {
                let deleted = try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(id)", token: token)
                #expect(deleted.status == 200 || deleted.status == 204, "\(deleted.status) \(deleted.text)")
            }
            try await waitUntil { fake.deleted.contains(queued) && fake.interrupted.contains(running) }
            #expect(fake.queueLength <= 1, "the queued prompt is gone")
        }
        await fake.stop()
    }

    @Test func aRestartedGatewayFinishesItsTaskFromTheHistory() async throws {
        let fake = try await FakeComfyUI.start()
        let directory = try await TestGateway.directory(with: [Self.channel(fake)])
        fake.hold()
        let (token, id) = try await Self.withGateway(channels: [], directory: directory) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(token: token, #"{"user_prompt": "across a restart", "model_name": "scripted", "duration": "1s"}"#)["id"]
                as! String
            try await waitUntil { fake.posts.contains { $0.id == id } }
            return (token, id)
        }
        // While no gateway is running, ComfyUI finishes the prompt.
        fake.hold(false)
        try await waitUntil { fake.ran.contains(id) }
        let finished = try await Self.withGateway(channels: [], directory: directory) { gateway in
            try await gateway.waitForTerminal(id, token: token)
        }
        #expect(finished["state"] as? String == "completed")
        #expect(fake.posts.filter { $0.id == id }.count == 1)
        await fake.stop()
    }

    @Test func twoGatewaysShareOneMachineAndTheShortestQueueGoesFirst() async throws {
        let busy = try await FakeComfyUI.start()
        let idle = try await FakeComfyUI.start()
        busy.hold()
        let channels = [Self.channel(busy, name: "busy"), Self.channel(idle, name: "idle")]
        try await Self.withGateway(channels: channels) { first in
            try await Self.withGateway(channels: channels) { second in
                let firstToken = try await first.createToken()
                let secondToken = try await second.createToken()
                // Both gateways fill the busy machine's queue until each has seen it.
                var ids: [(TestGateway, String, String)] = []
                for index in 0..<12 {
                    let (gateway, token) = index.isMultiple(of: 2) ? (first, firstToken) : (second, secondToken)
                    let id =
                        try await gateway.submit(token: token, #"{"user_prompt": "shared \#(index)", "model_name": "scripted", "duration": "1s"}"#)[
                            "id"] as! String
                    ids.append((gateway, token, id))
                    try await waitUntil { busy.posts.contains { $0.id == id } || idle.posts.contains { $0.id == id } }
                }
                #expect(idle.posts.count > busy.posts.count, "busy \(busy.posts.count), idle \(idle.posts.count)")
                busy.hold(false)
                for (gateway, token, id) in ids {
                    #expect(try await gateway.waitForTerminal(id, token: token)["state"] as? String == "completed")
                }
                let clients = Set((busy.posts + idle.posts).compactMap(\.clientID))
                #expect(clients.count >= 2, "each gateway is its own client at the machine")
                #expect(Set((busy.posts + idle.posts).map(\.id)).count == 12, "no prompt posted twice")
            }
        }
        await busy.stop()
        await idle.stop()
    }

    @Test func theSocketBringsProgressToTheFacesAndTheEndAtOnce() async throws {
        let fake = try await FakeComfyUI.start(runSeconds: 1, steps: 4)
        // Polls every two minutes: only the socket can move the task within the test.
        try await Self.withGateway(channels: [Self.channel(fake)], pollSeconds: 120) { gateway in
            let token = try await gateway.createToken()
            try await waitUntil { fake.socketCount == 1 }
            // The run waits at its last step, reporting it, until the test has seen it.
            fake.holdEnds()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "steps", "model_name": "scripted", "duration": "1s"}"#)["id"] as! String
            var seen: [Double] = []
            let deadline = ContinuousClock.now + .seconds(100)
            while seen.last != 1, ContinuousClock.now < deadline {
                if let progress = try await gateway.gateway.tasks.find(id: id)?.progress, progress != seen.last { seen.append(progress) }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(seen.last == 1 && seen == seen.sorted() && seen.allSatisfy { $0 > 0 }, "the sampler's steps, stored: \(seen)")
            let running = try await gateway.request(.GET, "/v1/videos/\(id)", token: token).object
            #expect(running["status"] as? String == "in_progress" && running["progress"] as? Int == 99, "\(running)")

            fake.holdEnds(false)
            let done = try await gateway.waitForTerminal(id, token: token, timeout: .seconds(100))
            #expect(done["state"] as? String == "completed", "the end came over the socket: \(done)")
        }
        await fake.stop()
    }

    @Test func aDroppedSocketLeavesItToThePollsAndComesBack() async throws {
        let fake = try await FakeComfyUI.start()
        try await Self.withGateway(channels: [Self.channel(fake)]) { gateway in
            let token = try await gateway.createToken()
            try await waitUntil { fake.socketCount == 1 }
            fake.dropSockets(refusing: true)
            let id =
                try await gateway.submit(token: token, #"{"user_prompt": "no socket", "model_name": "scripted", "duration": "1s"}"#)["id"] as! String
            #expect(try await gateway.waitForTerminal(id, token: token)["state"] as? String == "completed")
            #expect(fake.socketCount == 0)
            fake.dropSockets(refusing: false)
            try await waitUntil { fake.socketCount == 1 }
        }
        await fake.stop()
    }

    @Test func aComfyUIModelWithNoMachineIsDrawnByTheSandbox() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "no GPU here", "model_name": "wan-2.2-ti2v-5b"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "completed", "\(task)")
            let refused = try await gateway.request(
                .POST, "/luma/generations", token: token, json: #"{"user_prompt": "x", "model_name": "wan-2.2-ti2v-5b", "resolution": "1080p"}"#)
            #expect(refused.status == 400 && refused.text.contains("720p"), "\(refused.text)")
        }
    }

    @Test func anOperatorAddsAMachineOverTheAdminAPIAndSeesItsQueue() async throws {
        let fake = try await FakeComfyUI.start()
        let broken = Self.scriptedModel.replacingOccurrences(of: #""class_type": "CreateVideo""#, with: #""class_type": "CreateVideoPro""#)
        let folder = try Self.modelFolder(["broken": broken])
        try await Self.withGateway(channels: [Self.channel(fake)]) { gateway in
            let admin = try await gateway.gateway.tokens.create(name: "root", isAdmin: true).secret
            // Once the gateway has heard the machine's queue over its socket, the admin API shows it.
            var gpu1: [String: Any] = [:]
            let deadline = ContinuousClock.now + .seconds(60)
            while gpu1["upstream_queue"] as? Int == nil, ContinuousClock.now < deadline {
                let listed = try await gateway.request(.GET, "/admin/channels", token: admin)
                gpu1 = try #require((listed.object["channels"] as? [[String: Any]])?.first { $0["name"] as? String == "gpu1" })
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(gpu1["kind"] as? String == "comfyui" && gpu1["key"] as? String == "")
            #expect(gpu1["upstream_queue"] as? Int == 0, "\(gpu1)")

            let added = try await gateway.request(
                .POST, "/admin/channels", token: admin, json: #"{"kind": "comfyui", "name": "gpu2", "base_url": "\#(fake.baseURL)"}"#)
            #expect(added.status == 201, "\(added.text)")
            let unreachable = try await gateway.request(
                .POST, "/admin/channels", token: admin, json: #"{"kind": "comfyui", "name": "gpu3", "base_url": "http://127.0.0.1:9"}"#)
            #expect(unreachable.status == 400 && unreachable.text.contains("cannot be added"), "\(unreachable.text)")
        }
        // A model the machine cannot run, named by the channel's models, refuses the add, naming the node.
        let workflows = try ComfyUIModels.builtIn.adding(directory: folder)
        var strict = Self.channel(fake)
        strict.models = ["broken"]
        await #expect {
            try await strict.check(using: .shared, comfyUI: workflows)
        } throws: { error in
            "\(error)".contains("node 3: class CreateVideoPro is not installed")
        }
        await fake.stop()
    }

    @Test func addingAMachineChecksItRunsTheWorkflows() async throws {
        let fake = try await FakeComfyUI.start()
        let missingFile = Self.scriptedModel.replacingOccurrences(
            of: #""1": {"class_type": "EmptyImage""#,
            with:
                #""9": {"class_type": "UNETLoader", "inputs": {"unet_name": "hunyuan.safetensors", "weight_dtype": "default"}}, "1": {"class_type": "EmptyImage""#
        )
        let workflows = try ComfyUIModels.builtIn.adding(directory: try Self.modelFolder(["needs-hunyuan": missingFile]))
        let serving = Self.channel(fake)
        let found = try await serving.check(using: .shared, comfyUI: workflows)
        #expect(found.contains("runs comfyui-smoke, ltx-video-2b, scripted, wan-2.2-ti2v-5b"), "\(found)")
        #expect(found.contains(#"needs-hunyuan (node 9 (UNETLoader): unet_name "hunyuan.safetensors" is not on the machine)"#), "\(found)")
        var strict = serving
        strict.models = ["needs-hunyuan"]
        await #expect(throws: (any Error).self) { try await strict.check(using: .shared, comfyUI: workflows) }
        await fake.stop()
    }
}

/// Waits until `condition` holds, for at most `timeout`.
private func waitUntil(timeout: Duration = .seconds(60), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("the condition did not hold within \(timeout)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
