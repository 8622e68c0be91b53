import Foundation
import Testing

@testable import LumaGate

/// A model is one catalogue entry: one written in an operator's file at start is taken by all
/// four faces, priced, checked and drawn by the sandbox with no code of its own.
@Suite struct ModelCatalogueTests {
    /// An open video model as an operator would add it, and an image model with nothing but a name and a price.
    static let operatorFile = #"""
        {"models": [
          {"name": "wan-2.2-5b", "kind": "video", "aspect_ratios": ["16:9", "9:16", "1:1"],
           "resolutions": ["480p", "720p"], "durations": ["5s"], "prices": {"480p": 3, "720p": 7}, "typical_seconds": 90},
          {"name": "flux-dev", "kind": "image", "price": 4}
        ]}
        """#

    static func writeFile(_ text: String) throws -> String {
        let path = TestGateway.temporaryDirectory() + "/models.json"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aModelFromAFileIsTakenByEveryFace() async throws {
        let models = try ModelCatalogue.builtIn.adding(fileAt: try Self.writeFile(Self.operatorFile))
        try await TestGateway.with(configure: { $0.models = models }) { gateway in
            let token = try await gateway.createToken("catalogue")
            let prompt = "a lighthouse in the fog"
            let submits: [(path: String, body: String, poll: String)] = [
                ("/luma/generations", #"{"user_prompt": "\#(prompt)", "model_name": "wan-2.2-5b"}"#, "/luma/generations/"),
                (
                    "/dream-machine/v1/generations/video", #"{"prompt": "\#(prompt)", "model": "wan-2.2-5b", "resolution": "480p"}"#,
                    "/dream-machine/v1/generations/"
                ),
                ("/dream-machine/v1/generations/image", #"{"prompt": "\#(prompt)", "model": "flux-dev"}"#, "/dream-machine/v1/generations/"),
                ("/agents/v1/generations", #"{"prompt": "\#(prompt)", "model": "wan-2.2-5b", "aspect_ratio": "9:16"}"#, "/agents/v1/generations/"),
                ("/agents/v1/generations", #"{"prompt": "\#(prompt)", "model": "flux-dev", "type": "image"}"#, "/agents/v1/generations/"),
                ("/v1/videos", #"{"prompt": "\#(prompt)", "model": "wan-2.2-5b", "size": "1280x720"}"#, "/v1/videos/"),
            ]
            var finished: [[String: Any]] = []
            for submit in submits {
                let reply = try await gateway.request(.POST, submit.path, token: token, json: submit.body)
                #expect([200, 201].contains(reply.status), "\(submit.path): \(reply.status) \(reply.text)")
                let id = try #require(reply.object["id"] as? String)
                finished.append(try await Self.waitUntilDone(gateway, submit.poll + id, token: token))
            }
            for (submit, task) in zip(submits, finished) {
                #expect(["completed"].contains((task["state"] ?? task["status"]) as? String), "\(submit.path): \(task)")
            }
            #expect((finished[0]["request"] as? [String: Any])?["model_name"] as? String == "wan-2.2-5b")
            #expect(finished[1]["model"] as? String == "wan-2.2-5b")
            #expect(finished[2]["model"] as? String == "flux-dev")
            #expect(finished[5]["model"] as? String == "wan-2.2-5b")
            // Drawn at the model's own frames: the exact ratio at the asked resolution's short side.
            #expect(finished[5]["size"] as? String == "1280x720")
            let agentsVideo = try #require((finished[3]["output"] as? [[String: Any]])?.first?["url"] as? String)
            let stream = try #require(try await FFprobe.streams(of: try await gateway.request(.GET, agentsVideo).body, suffix: ".mp4").first)
            #expect(stream.width == 720 && stream.height == 1280, "\(stream)")

            // Clients read the catalogue, with what each model costs them.
            let listed = try await gateway.request(.GET, "/models", token: token).object["data"] as? [[String: Any]] ?? []
            let wan = try #require(listed.first { $0["id"] as? String == "wan-2.2-5b" })
            #expect(wan["prices"] as? [String: Int] == ["480p": 3, "720p": 7] && wan["default_resolution"] as? String == "720p")
            #expect(listed.first { $0["id"] as? String == "flux-dev" }?["price"] as? Int == 4)
            #expect(listed.map { $0["id"] as? String }.prefix(2) == ["ray-2", "ray-flash-2"])
            #expect(try await gateway.request(.GET, "/models").status == 401)

            // Charged the catalogue's prices: 720p (its default), 480p, an image, 720p twice.
            let usage = try await gateway.gateway.tokens.usage("catalogue")
            #expect(usage.charged == 7 + 3 + 4 + 7 + 4 + 7, "\(usage)")
        }
    }

    @Test func aModelRefusesWhatItDoesNotMakeOnEveryFace() async throws {
        let models = try ModelCatalogue.builtIn.adding(fileAt: try Self.writeFile(Self.operatorFile))
        try await TestGateway.with(configure: {
            $0.models = models
            $0.runsPoller = false
        }) { gateway in
            let token = try await gateway.createToken()
            let refusals: [(path: String, body: String, status: Int, message: String)] = [
                (
                    "/luma/generations", #"{"user_prompt": "x", "model_name": "wan-2.2-5b", "resolution": "1080p"}"#, 400,
                    #"Field `resolution` must be one of "480p", "720p" for model wan-2.2-5b."#
                ),
                (
                    "/dream-machine/v1/generations/video", #"{"prompt": "x", "model": "wan-2.2-5b", "aspect_ratio": "21:9"}"#, 400,
                    #"Field `aspect_ratio` must be one of "16:9", "9:16", "1:1" for model wan-2.2-5b."#
                ),
                (
                    "/dream-machine/v1/generations/video", #"{"prompt": "x", "model": "wan-2.2-5b", "concepts": [{"key": "dolly_zoom"}]}"#, 400,
                    "Field `concepts` is for the models"
                ),
                (
                    "/agents/v1/generations", #"{"prompt": "x", "model": "wan-2.2-5b", "video": {"hdr": true}}"#, 422,
                    "Field `video.hdr` is not available for wan-2.2-5b."
                ),
                (
                    "/agents/v1/generations", #"{"prompt": "x", "model": "flux-dev", "type": "video"}"#, 422,
                    "Field `model` flux-dev does not make type video"
                ),
                (
                    "/v1/videos", #"{"prompt": "x", "model": "wan-2.2-5b", "size": "1920x1080"}"#, 400,
                    #"Field `size` must be a size at "480p", "720p" for model wan-2.2-5b."#
                ),
                ("/v1/videos", #"{"prompt": "x", "model": "wan-2.2-5b", "seconds": "7"}"#, 400, "Field `seconds` must be one of"),
            ]
            for refusal in refusals {
                let reply = try await gateway.request(.POST, refusal.path, token: token, json: refusal.body)
                let text = reply.text.replacingOccurrences(of: #"\""#, with: "\"")
                #expect(
                    reply.status == refusal.status && text.contains(refusal.message), "\(refusal.path) \(refusal.body): \(reply.status) \(reply.text)"
                )
            }
            #expect(try await gateway.gateway.tasks.countByState().values.reduce(0, +) == 0, "a refused request leaves no task behind")
        }
    }

    @Test func theBuiltInCatalogueKeepsEachFaceItsModels() {
        let models = ModelCatalogue.builtIn
        // The ComfyUI templates are on every face, after Luma's models.
        let comfyUI = ["comfyui-smoke", "ltx-video-2b", "wan-2.2-ti2v-5b"]
        #expect(
            models.names(on: .luma, kind: .video, aliases: true)
                == ["ray-v2", "ray-flash-v2", "ray-v1", "ray-2", "ray-flash-2", "ray-1-6", "ray-3.2"] + comfyUI)
        #expect(models.names(on: .dreamMachine, kind: .video) == ["ray-2", "ray-flash-2", "ray-1-6", "ray-3.2"] + comfyUI)
        #expect(models.names(on: .dreamMachine, kind: .image) == ["photon-1", "photon-flash-1"])
        #expect(models.names(on: .agents, kind: .video) == ["ray-3.2"] + comfyUI)
        #expect(models.names(on: .agents, kind: .image) == ["uni-1", "uni-1-max"])
        #expect(models.names(on: .openAI, kind: .video) == ["ray-2", "ray-flash-2", "ray-3.2"] + comfyUI)
        #expect(models.names(making: .modifyVideo) == ["ray-2"] && models.names(making: .reframeVideo) == ["ray-2", "ray-flash-2"])
        #expect(models.names(making: .reframeImage) == ["photon-1", "photon-flash-1"] && models.names(making: .videoEdit) == ["ray-3.2"])
        #expect(models.officialName("ray-flash-v2") == "ray-flash-2" && models.relayName("ray-1-6") == "ray-v1")
        #expect(Pricing.defaults.price(of: GenerationRequest(prompt: "x", model: "ray-3.2", duration: "10s")) == 60)
    }

    @Test func aFileThatIsNotACatalogueIsRefusedWithItsReason() throws {
        let cases: [(file: String, reason: String)] = [
            (#"{"models": [{"kind": "video"}]}"#, "`models.0.name` is missing"),
            (#"{"models": [{"name": "x", "kind": "sound"}]}"#, "`models.0.kind`"),
            (#"{"models": [{"name": "../../etc"}]}"#, "a model name must be"),
            (#"{"models": [{"name": "w", "durations": ["forever"]}]}"#, "duration \"forever\" must be whole seconds"),
            (#"{"models": [{"name": "w", "prices": {"720p": -5}}]}"#, "price -5 is negative"),
            (#"{"models": [{"name": "w", "aliases": ["ray-v2"]}]}"#, "`aliases` are for the built-in models"),
            (#"{"models": [{"name": "ray-2", "kind": "image"}]}"#, "the default video model ray-2 must stay a video model"),
            (#"{"models": [{"name": "w", "aspect_ratios": ["wide"]}]}"#, "aspect ratio \"wide\" must be W:H"),
            (#"{"models": [{"name": "w", "channels": ["dream-machin"]}]}"#, "channel kind \"dream-machin\" is not one of"),
        ]
        for (file, reason) in cases {
            let error = #expect(throws: CatalogueError.self) { try ModelCatalogue.builtIn.adding(fileAt: try Self.writeFile(file)) }
            #expect(error?.description.contains(reason) == true, "\(file): \(error.map(String.init(describing:)) ?? "no error")")
        }
    }

    @Test func serveTakesTheFileAndRefusesABadOne() async throws {
        let directory = TestGateway.temporaryDirectory()
        let file = try Self.writeFile(Self.operatorFile)
        let server = try await ServeProcess.start(dataDirectory: directory, extraArguments: ["--models", file])
        defer { server.stop() }
        let secret = try await ServeProcess.createToken("operator", dataDirectory: directory)
        let submitted = try await TestGateway.request(
            .POST, server.baseURL + "/luma/generations", token: secret,
            json: #"{"user_prompt": "served", "model_name": "wan-2.2-5b"}"#)
        #expect(submitted.status == 200, "\(submitted.text)")

        let bad = try Self.writeFile(#"{"models": [{"name": "w", "durations": ["0s"]}]}"#)
        let refused = try await ServeProcess.command(["serve", "--port", "0", "--data-dir", TestGateway.temporaryDirectory(), "--models", bad])
        #expect(refused.status != 0 && refused.output.contains("Could not read models from \(bad)"), "\(refused.output)")
    }

    /// Polls `path` until the task (in any face's shape) is finished.
    static func waitUntilDone(_ gateway: TestGateway, _ path: String, token: String) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let task = try await gateway.request(.GET, path, token: token).object
            if let state = (task["state"] ?? task["status"]) as? String, ["completed", "failed"].contains(state) { return task }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(path) did not finish")
    }
}
