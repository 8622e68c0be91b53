import AsyncHTTPClient
import Foundation
@testable import LumaGate
import NIOCore
import Testing

/// What an attacker sends, as a client or as an upstream: each test replays one way in and checks
/// the gateway neither hangs, crashes, reaches where it must not, nor moves money the wrong way.
@Suite(.serialized) struct HostileInputTests {
    /// A gateway that allows no private destination at all (the tests' default allows 127.0.0.1).
    private func withStrictGateway(
        _ configure: @escaping (inout GatewayConfiguration) -> Void = { _ in },
        _ body: (TestGateway) async throws -> Void
    ) async throws {
        try await TestGateway.with(
            configure: { configuration in
                configuration.outboundAllowHosts = []
                configure(&configuration)
            }, body)
    }

    @Test func everySpellingOfALocalAddressIsRefusedForImages() async throws {
        let server = try await HostileServer.start()
        let port = URL(string: server.baseURL)!.port!
        try await withStrictGateway({ $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let forms = [
                "localhost", "127.0.0.1", "127.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "0.0.0.0",
                "[::ffff:127.0.0.1]", "[::7f00:1]", "[::1]", "[64:ff9b::7f00:1]", "[fe80::1]", "169.254.169.254", "10.0.0.1",
            ]
            for form in forms {
                for field in ["image_url", "image_end_url"] {
                    let reply = try await gateway.request(
                        .POST, "/luma/generations", token: token,
                        json: #"{"user_prompt": "x", "\#(field)": "http://\#(form):\#(port)/image.png"}"#)
                    #expect(reply.status == 400, "\(form) in \(field)")
                    #expect(reply.text.contains("Field `\(field)` points at an address this gateway does not fetch from"), "\(form): \(reply.text)")
                }
                let upload = try await gateway.request(
                    .POST, "/luma/generations/file_upload", token: token,
                    json: #"{"url": "http://\#(form):\#(port)/image.png"}"#)
                #expect(upload.status == 400, "\(form) in file_upload")
                let keyframe = try await gateway.request(
                    .POST, "/dream-machine/v1/generations/video", token: token,
                    json: """
                        {"model": "ray-2", "prompt": "x", "keyframes": {"frame0": {"type": "image", "url": "http://\(form):\(port)/image.png"}}}
                        """)
                #expect(keyframe.status == 400, "\(form) in a keyframe")
            }
            #expect(server.hits("/image.png") == 0, "nothing was fetched")
            #expect(try await gateway.gateway.tasks.countInFlight() == 0)
        }
        await server.stop()
    }

    @Test func aRedirectIsCheckedAgainAndAnswersDoNotLeak() async throws {
        let server = try await HostileServer.start()
        let port = URL(string: server.baseURL)!.port!
        // 127.0.0.1 is allowed by name; localhost is not, so a redirect there must be refused.
        try await TestGateway.with(configure: {
            $0.outboundAllowHosts = ["127.0.0.1"]
            $0.runsPoller = false
        }) { gateway in
            let token = try await gateway.createToken()
            let target = "http://localhost:\(port)/image.png"
            let redirected = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: """
                    {"user_prompt": "x", "image_url": "\(server.baseURL)/redirect?to=\(target.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"}
                    """)
            #expect(redirected.status == 400 && server.hits("/image.png") == 0, "\(redirected.text)")
            // An allowed redirect is followed.
            let allowed = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: """
                    {"user_prompt": "x", "image_url": "\(server.baseURL)/redirect?to=%2Fimage.png"}
                    """)
            #expect(allowed.status == 200 && server.hits("/image.png") == 1, "\(allowed.text)")
            // What the target answered is not told: not its status, not its body.
            let secret = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: #"{"user_prompt": "x", "image_url": "\#(server.baseURL)/secret"}"#)
            #expect(secret.status == 400 && secret.text.contains("could not be fetched"))
            #expect(!secret.text.contains("404") && !secret.text.contains("418") && !secret.text.contains("127.0.0.1"), "\(secret.text)")
            let closed = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: #"{"user_prompt": "x", "image_url": "http://127.0.0.1:1/x.png"}"#)
            #expect(
                closed.status == 400 && closed.text == secret.text.replacingOccurrences(of: "image_url", with: "image_url"),
                "a closed port reads as any other failure: \(closed.text)")
        }
        await server.stop()
    }

    @Test func webhooksFollowNoRedirectAndRefuseEveryLocalForm() async throws {
        let receiver = try await WebhookReceiver.start()
        let server = try await HostileServer.start()
        try await TestGateway.with(configure: { $0.outboundAllowHosts = ["127.0.0.1"] }) { gateway in
            let token = try await gateway.createToken()
            for form in ["[::7f00:1]", "127.1", "0x7f.1", "2130706433", "[::ffff:7f00:1]", "localhost"] {
                let reply = try await gateway.request(
                    .POST, "/luma/generations", token: token,
                    json: #"{"user_prompt": "x", "notify_hook": "http://\#(form)/hook"}"#)
                #expect(reply.status == 400, "\(form): \(reply.text)")
            }
            // The hook itself is allowed (127.0.0.1); it redirects to the receiver, which must hear nothing.
            let hook = "\(server.baseURL)/redirect?to=\((receiver.url + "/stolen").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            let id = try await gateway.submit(token: token, #"{"user_prompt": "redirected hook", "notify_hook": "\#(hook)"}"#)["id"] as! String
            _ = try await gateway.waitForTerminal(id, token: token)
            try await Task.sleep(for: .seconds(2))
            #expect(server.hits("/redirect") >= 1)
            #expect(receiver.received(at: "/stolen").isEmpty, "a signed body never follows a redirect")
        }
        await server.stop()
        await receiver.stop()
        // Names that do not resolve are not let through.
        let policy = OutboundPolicy(allowedHosts: [])
        await #expect(throws: (any Error).self) { try await policy.address(for: "no-such-host.invalid") }
    }

    @Test func aDrippingBodyMeetsOneDeadlineAndHoldsOnlyItsTokensShare() async throws {
        let server = try await HostileServer.start()
        try await TestGateway.with(configure: {
            $0.outboundAllowHosts = ["127.0.0.1"]
            $0.runsPoller = false
            $0.imageFetchTimeout = .seconds(2)
            $0.maxConcurrentImageFetches = 4
            $0.maxImageFetchesPerToken = 2
        }) { gateway in
            let (attacker, bystander) = (try await gateway.createToken(), try await gateway.createToken())
            let started = ContinuousClock.now
            let drips = (0..<6).map { _ in
                Task {
                    try await gateway.request(
                        .POST, "/luma/generations", token: attacker,
                        json: #"{"user_prompt": "x", "image_url": "\#(server.baseURL)/drip"}"#)
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let quick = try await gateway.request(
                .POST, "/luma/generations", token: bystander,
                json: #"{"user_prompt": "x", "image_url": "\#(server.baseURL)/image.png"}"#)
            let bystanderWaited = ContinuousClock.now - started
            #expect(quick.status == 200)
            #expect(bystanderWaited < .seconds(1.8), "the bystander did not wait for the attacker's slots: \(bystanderWaited)")
            for drip in drips {
                let reply = try await drip.value
                #expect(reply.status == 400 && reply.text.contains("could not be fetched"))
            }
            // Six fetches, two at a time, two seconds each: the deadline covered the body.
            let total = ContinuousClock.now - started
            #expect(total < .seconds(9), "\(total)")
        }
        await server.stop()
    }

    @Test func imagesAreDecodedBoundedAndStoredReencoded() async throws {
        let server = try await HostileServer.start()
        try await TestGateway.with(configure: {
            $0.outboundAllowHosts = ["127.0.0.1"]
            $0.runsPoller = false
        }) { gateway in
            let token = try await gateway.createToken()
            let signature = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: #"{"user_prompt": "x", "image_url": "\#(server.baseURL)/signature.png"}"#)
            #expect(signature.status == 400 && signature.text.contains("Field `image_url`"), "\(signature.text)")
            let huge = try await gateway.request(
                .POST, "/luma/generations/file_upload", token: token,
                json: #"{"url": "\#(server.baseURL)/huge.png"}"#)
            #expect(huge.status == 400 && huge.text.contains("16000×16000 pixels"), "\(huge.text)")
            let hugeData = "data:image/png;base64," + HostileServer.pngHeader(width: 9000, height: 9000).base64EncodedString()
            let hugeInline = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: #"{"user_prompt": "x", "image_end_url": "\#(hugeData)"}"#)
            #expect(hugeInline.status == 400 && hugeInline.text.contains("Field `image_end_url`"))

            // HTML after a real PNG: what is stored and served is a fresh PNG, served as one.
            let upload = try await gateway.request(
                .POST, "/luma/generations/file_upload", token: token,
                json: #"{"url": "\#(server.baseURL)/polyglot.png"}"#)
            #expect(upload.status == 200, "\(upload.text)")
            let served = try await gateway.request(.GET, try #require(upload.object["public_url"] as? String))
            #expect(served.status == 200)
            #expect(served.header("content-type") == "image/png")
            #expect(served.header("x-content-type-options") == "nosniff")
            #expect(!served.text.contains("<script"), "the client's bytes are not served back")
            #expect(ImageProbe.size(of: served.body)! == (320, 180))
            #expect(try await gateway.gateway.tasks.countInFlight() == 0)
        }
        await server.stop()
    }

    @Test func promptsAreBoundedInCodePointsAndDrawnWithoutControls() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let stacked = String(repeating: "a" + String(repeating: "\u{0301}", count: 500), count: 49)
            let reply = try await gateway.request(
                .POST, "/luma/generations", token: token,
                json: #"{"user_prompt": "\#(stacked)"}"#)
            #expect(reply.status == 400 && reply.text.contains("24549 characters"), "\(reply.text.prefix(200))")
            // 5,000 grapheme clusters but 5,001 code points, the count OpenAPI's maxLength uses.
            let modified = "¸🏻\\u001e" + String(repeating: "*", count: 4998)
            let official = try await gateway.request(
                .POST, "/dream-machine/v1/generations/video", token: token,
                json: #"{"prompt": "\#(modified)", "model": "ray-flash-2"}"#)
            #expect(official.status == 400 && official.text.contains("5001 characters"), "\(official.text.prefix(200))")
        }
        #expect(SandboxRenderer.drawable("cut\u{0}here\u{7}") == "cut here ")
        #expect(SandboxRenderer.drawable("e" + String(repeating: "\u{0301}", count: 50)).unicodeScalars.count == 4)
        #expect(SandboxRenderer.drawable("灯塔在风暴中") == "灯塔在风暴中")
    }

    @Test func ffmpegIsKilledAtItsLimit() async throws {
        var ffmpeg = try #require(FFmpeg.locate())
        ffmpeg.timeLimit = .seconds(1)
        let started = ContinuousClock.now
        do {
            try await ffmpeg.run(["-f", "lavfi", "-i", "testsrc=s=1280x720", "-t", "3600", "-f", "null", "-"], in: NSTemporaryDirectory())
            Issue.record("an hour of video rendered within a second")
        } catch let failure as FFmpeg.Failure {
            #expect(failure.timedOut)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aFailedRenderTellsTheClientNoPathsAndNoFFmpegOutput() async throws {
        try await TestGateway.with(configure: { $0.mediaJobSeconds = 5 }) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(token: token, #"{"user_prompt": "broken frame", "image_url": "\#(try Fixtures.pngDataURI())"}"#)["id"]
                as! String
            // The stored first frame turns to garbage before the render reads it (ffmpeg then spins
            // on it until its limit).
            let stored = try #require(try await gateway.gateway.tasks.find(id: id)?.request.image?.storedPath)
            try await TestMedia.overwrite(stored, with: Data("not a picture".utf8), directory: gateway.directory)
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "failed")
            let reason = try #require(task["failure_reason"] as? String ?? task["fail_reason"] as? String)
            #expect(
                [
                    "The sandbox could not render this task.",
                    "The sandbox stopped rendering this task because it took longer than its time limit.",
                ].contains(reason), "\(reason)")
        }
    }

    @Test func mediaReadersNeverTrapOnHostileBytes() async throws {
        #expect(MP4Probe.probe(HostileServer.craftedMP4) == nil)
        var generator = SystemRandomNumberGenerator()
        let video = try Data(contentsOf: URL(fileURLWithPath: try makeMP4()))
        let seeds = [video, try Fixtures.data("first-frame.png"), HostileServer.craftedMP4, HostileServer.pngHeader(width: 1, height: 1)]
        for round in 0..<4000 {
            var bytes = [UInt8](seeds[round % seeds.count])
            if round % 5 == 0 {
                bytes = (0..<Int.random(in: 0...512, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                for _ in 0..<Int.random(in: 1...16, using: &generator) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    // Box sizes are where the lies hurt: favour 0x00, 0x01 and 0xFF.
                    bytes[index] = [0x00, 0x01, 0xFF, UInt8.random(in: 0...255, using: &generator)].randomElement(using: &generator)!
                }
                if round % 7 == 0 { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator))) }
            }
            _ = MP4Probe.probe(Data(bytes))
            _ = ImageProbe.size(of: Data(bytes))
        }
        // The same lie from an upstream's file host.
        let server = try await HostileServer.start()
        let inspector = RemoteMediaInspector(
            outbound: OutboundClient(policy: OutboundPolicy(allowedHosts: ["127.0.0.1"])), ffmpeg: nil,
            store: MediaStore(root: TestGateway.temporaryDirectory()))
        #expect(try await inspector.mp4Info(server.baseURL + "/crafted.mp4") == nil)
        // And an upstream's media URL on a private address is not read at all without the operator's leave.
        let strict = RemoteMediaInspector(
            outbound: OutboundClient(policy: OutboundPolicy(allowedHosts: [])), ffmpeg: FFmpeg.locate(),
            store: MediaStore(root: TestGateway.temporaryDirectory()))
        let media = await strict.inspect(taskID: "t", videoURL: server.baseURL + "/crafted.mp4", imageURL: server.baseURL + "/image.png", atMillis: 0)
        #expect(media.video?.width == nil && media.thumbnail?.width == nil && media.thumbnail?.paletteGrid == nil)
        #expect(server.hits("/crafted.mp4") == 1 && server.hits("/image.png") == 0)
        await server.stop()
    }

    /// multipart-kit's parser traps on a header name byte past ASCII; hostile and mutated
    /// multipart bodies get a 400 (or whatever their fields earn), never a crash.
    @Test func hostileMultipartBodiesNeverCrashTheProcess() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let boundary = "b0undary"
            let good =
                Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na lighthouse\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.png\"\r\nContent-Type: image/png\r\n\r\n"
                        .utf8)
                + [UInt8](try Fixtures.data("first-frame.png")) + Array("\r\n--\(boundary)--\r\n".utf8)
            let crafted = Data("--\(boundary)\r\n".utf8) + Data([0xC2, 0xA4, 0xF2, 0x9B, 0x90]) + Data("--\(boundary)--\r\n".utf8)
            var generator = SystemRandomNumberGenerator()
            var bodies = [crafted]
            for _ in 0..<150 {
                var bytes = good
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<min(bytes.count, 160), using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                bodies.append(Data(bytes))
            }
            for (index, body) in bodies.enumerated() {
                let path = index % 2 == 0 ? "/v1/videos" : "/luma/generations/file_upload"
                let reply = try await gateway.request(
                    .POST, path, token: token, body: body,
                    headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
                #expect(reply.status < 500, "\(path): \(reply.status) \(reply.text)")
            }
            let crashed = try await gateway.request(
                .POST, "/v1/videos", token: token, body: crafted,
                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
            #expect(crashed.status == 400 && crashed.text.contains("could not be read"))
            #expect(try await gateway.request(.GET, "/healthz").status == 200)
        }
    }

    private func makeMP4() throws -> String {
        let output = NSTemporaryDirectory() + UUID().uuidString + ".mp4"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=s=64x48:r=24", "-frames:v", "12",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", output,
        ]
        try process.run()
        process.waitUntilExit()
        return output
    }

    @Test func aTaskDeletedWhileItRendersIsRefundedAndNeverServed() async throws {
        try await TestGateway.with(configure: { $0.sandbox = SandboxSchedule(queuedSeconds: 0.1, dreamingSeconds: 0.3) }) { gateway in
            let created = try await gateway.gateway.tokens.create(name: "deleter", quota: 10_000)
            let id =
                try await gateway.submit(token: created.secret, #"{"user_prompt": "delete me mid-render", "resolution": "1080p"}"#)["id"] as! String
            // Wait for the render to start, then delete.
            let directory = "tasks/" + id
            let deadline = ContinuousClock.now + .seconds(20)
            while try await !TestMedia.exists(directory + "/" + RenderJobs.runningMarker, directory: gateway.directory),
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            let deleted = try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(id)", token: created.secret)
            #expect(deleted.status == 200 || deleted.status == 204, "\(deleted.text)")
            // Long enough for the render to have finished.
            try await Task.sleep(for: .seconds(6))
            #expect(try await !TestMedia.exists(directory + "/video.mp4", directory: gateway.directory), "the render's files are removed")
            #expect(!FileManager.default.fileExists(atPath: gateway.directory + "/media/" + directory + "/video.mp4"))
            #expect(try await gateway.request(.GET, "/media/tasks/\(id)/video.mp4").status == 404)
            let usage = try await gateway.gateway.tokens.usage(created.token.id)
            #expect(usage.charged == usage.refunded && usage.charged > 0, "\(usage)")
        }
    }

    @Test func aTaskDeletedAfterLumaAcceptedItIsCancelledThereAndKeepsItsCharge() async throws {
        let fake = try await FakeDreamMachine.start(queuedSeconds: 30)
        try await TestGateway.with(configure: { configuration in
            configuration.upstreamCallbacks = .off
            configuration.dreamMachine = DreamMachineChannel.Settings(apiKey: FakeDreamMachine.apiKey, baseURL: fake.apiURL)
            configuration.upstreamPolling.firstPollSeconds = 0.2
        }) { gateway in
            let created = try await gateway.gateway.tokens.create(name: "free-rider", quota: 10_000)
            let id =
                try await gateway.submit(token: created.secret, #"{"user_prompt": "spend their credit", "model_name": "ray-v2"}"#)["id"] as! String
            let deadline = ContinuousClock.now + .seconds(20)
            while try await gateway.gateway.tasks.find(id: id)?.upstreamID == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let upstreamID = try #require(try await gateway.gateway.tasks.find(id: id)?.upstreamID)
            let deleted = try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(id)", token: created.secret)
            #expect(deleted.status == 200 || deleted.status == 204)
            try await Task.sleep(for: .seconds(1))
            #expect(fake.recordedCalls.contains { $0.method == "DELETE" && $0.path.hasSuffix("/generations/\(upstreamID)") })
            #expect(fake.generation(upstreamID) == nil, "the generation was stopped upstream")
            let usage = try await gateway.gateway.tokens.usage(created.token.id)
            #expect(usage.charged > 0 && usage.refunded == 0, "the operator pays Luma for it: \(usage)")
        }
        await fake.stop()
    }

    @Test func uploadsAreCountedPerTokenAndExpire() async throws {
        let clock = ManualClock()
        try await TestGateway.with(
            now: { clock.now },
            configure: {
                $0.runsPoller = false
                $0.uploads.maxPerToken = 2
            }
        ) { gateway in
            let token = try await gateway.createToken()
            var paths: [String] = []
            for _ in 0..<2 {
                let reply = try await gateway.request(
                    .POST, "/luma/generations/file_upload", token: token, json: #"{"url": "\#(try Fixtures.pngDataURI())"}"#)
                #expect(reply.status == 200)
                paths.append(String((reply.object["public_url"] as? String ?? "").split(separator: "/media/").last ?? ""))
            }
            let third = try await gateway.request(
                .POST, "/luma/generations/file_upload", token: token, json: #"{"url": "\#(try Fixtures.pngDataURI())"}"#)
            #expect(third.status == 429 && third.text.contains("keeps 2 uploads"), "\(third.text)")
            let sweeper = UploadSweeper(
                uploads: UploadRepository(database: gateway.gateway.database), store: gateway.gateway.mediaStore,
                limits: UploadLimits(), now: { clock.now }, logger: .init(label: "test"))
            #expect(try await sweeper.sweepOnce() == 0)
            clock.advance(25 * 3600)
            #expect(try await sweeper.sweepOnce() == 2)
            for path in paths {
                #expect(!path.isEmpty)
                #expect(try await !TestMedia.exists(path, directory: gateway.directory))
            }
            let again = try await gateway.request(
                .POST, "/luma/generations/file_upload", token: token, json: #"{"url": "\#(try Fixtures.pngDataURI())"}"#)
            #expect(again.status == 200)
        }
    }

    @Test func oversizedBodiesAre413AndSecretsStayOutOfLogs() async throws {
        try await TestGateway.with(configure: {
            $0.runsPoller = false
            $0.maxBodyBytes = 64 * 1024
            $0.metricsToken = "metrics-secret"
        }) { gateway in
            let token = try await gateway.createToken()
            // Chunked: no Content-Length to refuse it by up front.
            var request = HTTPClientRequest(url: gateway.baseURL + "/luma/generations")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            let chunk = ByteBuffer(repeating: 0x20, count: 16 * 1024)
            request.body = .stream(
                AsyncStream { continuation in
                    for _ in 0..<16 { continuation.yield(chunk) }
                    continuation.finish()
                }, length: .unknown)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 413)
            let callback = try await gateway.request(.POST, "/callbacks/dream-machine/whatever", body: Data(count: 2 * 1024 * 1024))
            #expect(callback.status == 413)
            #expect(try await gateway.request(.GET, "/metrics", headers: [("Authorization", "Bearer metrics-secreT")]).status == 401)
            #expect(try await gateway.request(.GET, "/metrics", headers: [("Authorization", "Bearer metrics-secret")]).status == 200)
        }
        #expect(
            RequestLogMiddleware<GatewayRequestContext>.loggable("/callbacks/dream-machine/0123456789abcdef") == "/callbacks/dream-machine/[redacted]"
        )
        #expect(RequestLogMiddleware<GatewayRequestContext>.loggable("/luma/generations/abc") == "/luma/generations/abc")
        #expect(SecretComparison.equal("abc", "abc") && !SecretComparison.equal("abc", "abd") && !SecretComparison.equal("abc", "abcd"))
    }

    /// U+0000 has no use in any field, and PostgreSQL refuses it in text: a body holding one is a
    /// 400 naming the field, on every store, and nothing of it is kept.
    @Test func nulCharactersAreRefusedWithTheFieldNamed() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let json: [(String, String, String)] = [
                ("/luma/tasks", #"{"ids": ["a", "b\u0000"]}"#, "`ids[1]`"),
                ("/luma/generations", #"{"user_prompt": "a lighthouse\u0000"}"#, "`user_prompt`"),
                (
                    "/dream-machine/v1/generations",
                    #"{"prompt": "x", "model": "ray-2", "keyframes": {"frame0": {"type": "image", "url": "\u0000"}}}"#,
                    "`keyframes.frame0.url`"
                ),
                ("/v1/videos", #"{"prompt": "x", "metadata\u0000": 1}"#, "`metadata\u{0}`"),
            ]
            for (path, body, field) in json {
                let reply = try await gateway.request(.POST, path, token: token, json: body)
                #expect(reply.status == 400, "\(path): \(reply.status) \(reply.text)")
                let detail = reply.object["detail"] as? String ?? (reply.object["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(detail.contains("NUL") && detail.contains(field), "\(path): \(reply.text)")
            }
            // An escaped backslash before `u0000` is text, not a NUL.
            let literal = try await gateway.submit(token: token, #"{"user_prompt": "a\\u0000b"}"#)
            #expect((literal["request"] as? [String: Any])?["prompt"] as? String == #"a\u0000b"#)

            let boundary = "b0undary"
            func form(_ purpose: String, userID: String, filename: String) throws -> Data {
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\(purpose)\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"user_id\"\r\n\r\n\(userID)\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: image/png\r\n\r\n"
                        .utf8)
                    + (try Fixtures.data("first-frame.png")) + Data("\r\n--\(boundary)--\r\n".utf8)
            }
            for (userID, filename, mention) in [
                ("a\u{0}b", "f.png", "`user_id` holds a NUL byte in its value"),
                ("someone", "f\u{0}.png", "`file` holds a NUL byte in its filename"),
            ] {
                let reply = try await gateway.request(
                    .POST, "/agents/v1/files", token: token, body: try form("input", userID: userID, filename: filename),
                    headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
                #expect(reply.status == 400 && (reply.object["detail"] as? String ?? "").contains(mention), "\(reply.status) \(reply.text)")
            }
            let admin = try await gateway.gateway.tokens.create(name: "root", isAdmin: true).secret
            for path in ["/admin/tasks?channel=a%00b", "/v1/videos?after=x&order=%00", "/agents/v1/files?after=%00"] {
                let reply = try await gateway.request(.GET, path, token: path.hasPrefix("/admin") ? admin : token)
                let detail = reply.object["detail"] as? String ?? (reply.object["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(reply.status == 400 && detail.contains("holds a NUL"), "\(path): \(reply.status) \(reply.text)")
            }
            let files = try await gateway.request(.GET, "/agents/v1/files", token: token)
            #expect(files.status == 200 && (files.object["data"] as? [Any])?.isEmpty == true, "\(files.text)")
            let tasks = try await gateway.request(.GET, "/luma/generations", token: token)
            #expect(tasks.array.count == 1, "only the literal-backslash task was kept: \(tasks.text)")
        }
    }

    @Test func smallEdgesAreClosed() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            for path in ["/media/tasks", "/media/tasks/", "/media", "/media/uploads"] {
                let reply = try await gateway.request(.GET, path)
                #expect(reply.status == 404 && reply.header("location") == nil, "\(path): \(reply.status)")
            }
            let head = try await gateway.request(.HEAD, "/healthz")
            #expect(head.status == 200 && head.body.isEmpty)
            let dashboard = try await gateway.request(.GET, "/dashboard")
            #expect(dashboard.header("content-security-policy")?.contains("script-src 'self'") == true)
        }
        #expect(
            FileManager.default.fileExists(atPath: "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
            "a CJK font is installed with the gateway's dependencies")
    }

    /// The worst of the above from one client while another's plain task still finishes: before
    /// the attacker's first dripping fetch has even run out, whatever the machine's speed.
    @Test func aBystandersTaskFinishesWhileAnotherClientAttacks() async throws {
        let server = try await HostileServer.start()
        try await TestGateway.with(configure: {
            $0.outboundAllowHosts = ["127.0.0.1"]
            $0.imageFetchTimeout = .seconds(20)
            $0.sandbox = SandboxSchedule(queuedSeconds: 0.2, dreamingSeconds: 0.3)
        }) { gateway in
            let (attacker, bystander) = (try await gateway.createToken(), try await gateway.createToken())
            let prompt = String(repeating: "長い", count: 2000)
            let attacks = ["/drip", "/drip", "/signature.png", "/huge.png", "/polyglot.png", "/image.png"].map { path in
                Task {
                    let reply = try await gateway.request(
                        .POST, "/luma/generations", token: attacker,
                        json: #"{"user_prompt": "\#(prompt)", "image_url": "\#(server.baseURL)\#(path)"}"#)
                    return (status: reply.status, at: ContinuousClock.now)
                }
            }
            let stacked = try await gateway.request(
                .POST, "/luma/generations", token: attacker,
                json: #"{"user_prompt": "\#(String(repeating: "a" + String(repeating: "\u{0301}", count: 2000), count: 49))"}"#)
            #expect(stacked.status == 400)
            try await Task.sleep(for: .milliseconds(200))
            let id = try await gateway.submit(token: bystander, #"{"user_prompt": "an ordinary lighthouse"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: bystander, timeout: .seconds(60))
            let done = ContinuousClock.now
            #expect(task["state"] as? String == "completed")
            let drip = try await attacks[0].value
            #expect(drip.status == 400)
            #expect(done < drip.at, "the bystander's task finished while the attacker's first drip was still held")
            for attack in attacks { _ = try? await attack.value }
        }
        await server.stop()
    }
}
