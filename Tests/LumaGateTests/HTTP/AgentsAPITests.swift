import Foundation
@testable import LumaGate
import Testing

/// Face 3 (`/agents/v1`) over real HTTP: Luma's rules before anything is stored or charged, the
/// presigned upload URL against what an attacker sends it, tasks of other faces read through it,
/// and uni-1 images relayed to a fake Agents API and kept.
@Suite struct AgentsAPITests {
    private func used(_ gateway: TestGateway, _ name: String) async throws -> Int64 {
        try #require(try await TokenRepository(database: gateway.gateway.database).find(idOrName: name)).used
    }

    @Test func badBodiesAreRefusedWithLumasStatusesAndNothingIsStored() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken("strict")
            let png = try Fixtures.data("first-frame.png").base64EncodedString()
            let cases: [(String, Int, String)] = [
                (#"{"model": "ray-3.2", "type": "video"}"#, 400, "Field `prompt` is required."),
                (#"{"model": "ray-4", "prompt": "x"}"#, 400, "Field `model`"),
                (#"{"model": "ray-3.2", "prompt": "x", "aspect_ratio": "5:4"}"#, 400, "Field `aspect_ratio`"),
                (#"{"model": "ray-3.2", "prompt": "x", "video": {"duration": "9s"}}"#, 400, "Field `video.duration`"),
                (#"{"model": "ray-3.2", "prompt": "x", "aspect_ratio": "3:1"}"#, 422, "for ray-3.2 videos"),
                (#"{"model": "uni-1", "type": "video", "prompt": "x"}"#, 422, "does not make type video"),
                (#"{"model": "ray-3.2", "prompt": "x", "video": {"exr_export": true}}"#, 422, "needs `video.hdr`"),
                (#"{"model": "ray-3.2", "prompt": "x", "video": {"hdr": true, "resolution": "360p"}}"#, 422, "720p or 1080p"),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "video": {"duration": "10s", "start_frame": {"url": "https://example.com/a.png"}}}"#, 422,
                    "make 5s videos"
                ),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "video": {"start_frame": {"url": "https://example.com/a.png", "file_id": "f"}}}"#, 400,
                    "exactly one of"
                ),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "video": {"start_frame": {"data": "\#(png)"}}}"#, 400,
                    "`video.start_frame.media_type` is required"
                ),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "video": {"keyframes": [{"url": "https://example.com/a.png"}], "keyframe_indexes": [121]}}"#,
                    422, "from 0 to 120"
                ),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "video": {"keyframes": [{"generation_id": "00000000-0000-0000-0000-000000000000"}], "keyframe_indexes": [0]}}"#,
                    400, "must be an image"
                ),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "video": {"keyframes": [{"url": "https://example.com/a.png"}, {"url": "https://example.com/b.png"}], "keyframe_indexes": [3, 3]}}"#,
                    422, "unique"
                ),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "video": {"keyframes": [{"url": "https://example.com/a.png"}], "keyframe_indexes": [0], "loop": true}}"#,
                    422, "cannot be combined"
                ),
                (#"{"model": "uni-1", "prompt": "x", "output_format": "gif"}"#, 400, "Field `output_format`"),
                (#"{"model": "uni-1", "type": "layering", "prompt": "x"}"#, 400, "Field `source` is required for type layering"),
                (
                    #"{"model": "uni-1-max", "type": "layering", "prompt": "x", "source": {"data": "\#(png)", "media_type": "image/png"}}"#, 422,
                    "does not make type layering"
                ),
                (
                    #"{"type": "layering", "prompt": "x", "aspect_ratio": "1:1", "source": {"data": "\#(png)", "media_type": "image/png"}}"#, 422,
                    "Field `aspect_ratio` is not for type layering"
                ),
                (
                    #"{"type": "layering", "prompt": "\#(String(repeating: "x", count: 501))", "source": {"data": "\#(png)", "media_type": "image/png"}}"#,
                    400, "Field `prompt`"
                ),
                (
                    #"{"type": "layering", "prompt": "", "layering": {"resolution": "4k"}, "source": {"data": "\#(png)", "media_type": "image/png"}}"#,
                    400, "Field `layering.resolution`"
                ),
                (
                    #"{"model": "uni-1", "prompt": "x", "image_ref": [\#(Array(repeating: #"{"url": "https://example.com/a.png"}"#, count: 10).joined(separator: ","))]}"#,
                    400, "at most 9 images"
                ),
                (
                    #"{"model": "uni-1", "type": "image_edit", "prompt": "x", "source": {"url": "https://example.com/a.png"}, "image_ref": [\#(Array(repeating: #"{"url": "https://example.com/a.png"}"#, count: 9).joined(separator: ","))]}"#,
                    400, "at most 8 images"
                ),
                (
                    #"{"model": "uni-1", "prompt": "x", "image_ref": [{"url": "https://example.com/a.png", "data": "AAAA"}]}"#, 400,
                    "`image_ref[0]` must have exactly one"
                ),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "image_ref": [{"url": "https://example.com/a.png"}]}"#, 422,
                    "Field `image_ref` is for types image"
                ),
                (#"{"model": "ray-3.2", "prompt": "x", "web_search": true}"#, 422, "Field `web_search` is for images"),
                (#"{"model": "uni-1", "prompt": "x", "image_ref": [{"url": "http://10.0.0.7/a.png"}]}"#, 400, "Field `image_ref[0]`"),
                (#"{"model": "uni-1", "prompt": "x", "image_ref": [{"data": "PGh0bWw+", "media_type": "image/png"}]}"#, 400, "Field `image_ref[0]`"),
                (
                    #"{"type": "layering", "prompt": "", "source": {"data": "PGh0bWw+PC9odG1sPg==", "media_type": "image/png"}}"#, 400,
                    "Field `source`"
                ),
                (
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"generation_id": "00000000-0000-0000-0000-000000000000"}, "video": {"edit": {"controls": {"depth": {"blur": 2}}}}}"#,
                    400, "Field `video.edit.controls.depth.blur` must be from 0 to 1"
                ),
                (
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"generation_id": "00000000-0000-0000-0000-000000000000"}, "video": {"edit": {"controls": {"face": {"sparsity": 0.5}}}}}"#,
                    400, "Field `video.edit.controls.face.sparsity` is not a setting"
                ),
                (
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"generation_id": "00000000-0000-0000-0000-000000000000"}, "video": {"edit": {"controls": {"pose": {"strength": "loose"}}}}}"#,
                    400, "Field `video.edit.controls.pose.strength`"
                ),
                (
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"generation_id": "00000000-0000-0000-0000-000000000000"}, "video": {"edit": {"keyframes": [{"url": "https://example.com/a.png"}]}}}"#,
                    422, "Field `video.edit.keyframe_indexes` must have one index per keyframe"
                ),
                (#"{"model": "ray-3.2", "type": "video_edit", "prompt": "x"}"#, 400, "Field `source` is required"),
                (
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"url": "http://192.168.1.5/a.mp4", "media_type": "video/mp4"}}"#,
                    400, "Field `source` points at an address this gateway does not fetch from"
                ),
                (
                    #"{"model": "ray-3.2", "type": "video_reframe", "prompt": "x", "source": {"generation_id": "00000000-0000-0000-0000-000000000000"}}"#,
                    400, "Field `aspect_ratio` is required"
                ),
                (
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"generation_id": "00000000-0000-0000-0000-000000000000"}, "video": {"duration": "5s"}}"#,
                    422, "the source's"
                ),
                (
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"generation_id": "00000000-0000-0000-0000-000000000000"}, "video": {"edit": {"strength": "wild"}}}"#,
                    400, "Field `video.edit.strength`"
                ),
                (
                    #"{"model": "ray-3.2", "type": "video_reframe", "aspect_ratio": "1:1", "prompt": "x", "source": {"generation_id": "00000000-0000-0000-0000-000000000000"}, "video": {"source_position": {"x_norm": 0, "y_norm": 0, "w_norm": 3, "h_norm": 1}}}"#,
                    400, "`w_norm` and `h_norm`"
                ),
                (#"{"model": "uni-1", "type": "image_edit", "prompt": "x"}"#, 400, "Field `source` is required"),
                (#"{"model": "uni-1", "prompt": "x", "source": {"url": "https://example.com/a.png"}}"#, 422, "Field `source` is for"),
                (#"{"model": "uni-1", "prompt": "x", "video": {}}"#, 422, "for the video types"),
                (#"{"model": "ray-3.2", "prompt": "x", "video": {"start_frame": {"file_id": "nope"}}}"#, 400, "names no upload of this token"),
                (
                    #"{"model": "ray-3.2", "prompt": "x", "video": {"start_frame": {"generation_id": "00000000-0000-0000-0000-000000000000"}}}"#, 400,
                    "does not exist for this token"
                ),
            ]
            for (body, status, message) in cases {
                let reply = try await gateway.request(.POST, "/agents/v1/generations", token: token, json: body)
                #expect(
                    reply.status == status && (reply.object["detail"] as? String)?.contains(message) == true, "\(body): \(reply.status) \(reply.text)"
                )
            }
            #expect(try await gateway.gateway.tasks.countInFlight() == 0)
            #expect(try await used(gateway, "strict") == 0)
        }
    }

    @Test func thePresignedUploadURLTakesExactlyTheDeclaredBytesOnce() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let png = try Fixtures.data("first-frame.png")
            let reserved = try await gateway.request(
                .POST, "/agents/v1/files", token: token,
                json: #"{"mime_type": "image/png", "size_bytes": \#(png.count)}"#)
            #expect(reserved.status == 201, "\(reserved.text)")
            let id = try #require(reserved.object["id"] as? String)
            let url = try #require((reserved.object["upload"] as? [String: Any])?["url"] as? String)

            // Before its bytes, a file is no frame.
            let early = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"{"model": "ray-3.2", "prompt": "x", "video": {"start_frame": {"file_id": "\#(id)"}}}"#)
            #expect(early.status == 400, "\(early.text)")
            #expect(try await gateway.request(.POST, "/agents/v1/files/\(id)/complete", token: token).status == 409)

            let forged = String(url.dropLast(4)) + "0000"
            #expect(try await gateway.request(.PUT, forged, body: png).status == 403)
            #expect(try await gateway.request(.PUT, url, body: png.prefix(100)).status == 400, "fewer bytes than declared")
            #expect(try await gateway.request(.PUT, url, body: Data("<html><script>alert(1)</script>".utf8) + png).status >= 400)
            #expect(try await gateway.request(.PUT, url, body: png).status == 200)
            #expect(try await gateway.request(.PUT, url, body: png).status == 409, "a URL takes its bytes once")
            let ready = try await gateway.request(.POST, "/agents/v1/files/\(id)/complete", token: token)
            #expect(ready.status == 200 && ready.object["state"] as? String == "ready", "\(ready.text)")

            let other = try await gateway.createToken()
            #expect(try await gateway.request(.GET, "/agents/v1/files/\(id)", token: other).status == 404)
            let stolen = try await gateway.request(
                .POST, "/agents/v1/generations", token: other,
                json: #"{"model": "ray-3.2", "prompt": "x", "video": {"start_frame": {"file_id": "\#(id)"}}}"#)
            #expect(stolen.status == 400, "another token's file is no frame: \(stolen.text)")
            let oversized = try await gateway.request(
                .POST, "/agents/v1/files", token: token,
                json: #"{"mime_type": "image/png", "size_bytes": 999999999}"#)
            #expect(oversized.status == 413, "\(oversized.text)")
            let audio = try await gateway.request(.POST, "/agents/v1/files", token: token, json: #"{"mime_type": "audio/mpeg", "size_bytes": 10}"#)
            #expect(audio.status == 400 && audio.text.contains("Field `mime_type`"), "\(audio.text)")
            let longVideo = try await gateway.request(
                .POST, "/agents/v1/files", token: token, json: #"{"mime_type": "video/mp4", "size_bytes": 104857601}"#)
            #expect(longVideo.status == 413 && longVideo.text.contains("largest video"), "\(longVideo.text)")
        }
    }

    /// A client retrying its PUT while the first is still under way: each PUT stores its bytes
    /// apart, the first to attach them wins, and no loser removes what won.
    @Test func concurrentPutsToOneUploadURLKeepTheWinnersBytes() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let png = try Fixtures.data("first-frame.png")
            let reserved = try await gateway.request(
                .POST, "/agents/v1/files", token: token,
                json: #"{"mime_type": "image/png", "size_bytes": \#(png.count)}"#)
            let id = try #require(reserved.object["id"] as? String)
            let url = try #require((reserved.object["upload"] as? [String: Any])?["url"] as? String)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await gateway.request(.PUT, url, body: png).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1 && statuses.filter { $0 == 409 }.count == 7, "\(statuses)")
            let ready = try await gateway.request(.POST, "/agents/v1/files/\(id)/complete", token: token)
            #expect(ready.status == 200 && ready.object["state"] as? String == "ready", "\(ready.text)")
            let stored = try await TestMedia.paths(under: "uploads/", directory: gateway.directory)
            #expect(stored.count == 1, "the losers' copies are gone, the winner's is there: \(stored)")
            // The file's bytes are still an image a generation can start from.
            let made = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"{"model": "ray-3.2", "prompt": "x", "video": {"start_frame": {"file_id": "\#(id)"}}}"#)
            #expect(made.status == 201, "\(made.text)")
        }
    }

    @Test func filesTextFieldsAreBounded() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let long = String(repeating: "n", count: 256)
            for field in ["filename", "user_id"] {
                let reply = try await gateway.request(
                    .POST, "/agents/v1/files", token: token,
                    json: #"{"mime_type": "image/png", "size_bytes": 10, "\#(field)": "\#(long)"}"#)
                #expect(reply.status == 400 && reply.text.contains("Field `\(field)` is 256 characters"), "\(reply.text)")
            }
            let boundary = "b0undary"
            var form = Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(long).png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            form += try Fixtures.data("first-frame.png") + Data("\r\n--\(boundary)--\r\n".utf8)
            let multipart = try await gateway.request(
                .POST, "/agents/v1/files", token: token, body: form,
                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
            #expect(multipart.status == 400 && multipart.text.contains("Field `filename`"), "\(multipart.text)")
            let kept = try await gateway.request(.GET, "/agents/v1/files", token: token)
            #expect((kept.object["data"] as? [Any])?.isEmpty == true, "nothing was stored: \(kept.text)")
            let fits = String(repeating: "n", count: 255)
            let accepted = try await gateway.request(
                .POST, "/agents/v1/files", token: token,
                json: #"{"mime_type": "image/png", "size_bytes": 10, "filename": "\#(fits)"}"#)
            #expect(accepted.status == 201, "\(accepted.text)")
        }
    }

    @Test func tasksOfTheOtherFacesReadThroughThisOne() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "made on the relay face", "model_name": "ray-2"}"#)["id"] as! String
            _ = try await gateway.waitForTerminal(id, token: token)
            let generation = try await gateway.request(.GET, "/agents/v1/generations/\(id)", token: token)
            #expect(generation.status == 200)
            #expect(generation.object["model"] as? String == "ray-2" && generation.object["type"] as? String == "video")
            #expect(generation.object["state"] as? String == "completed")
            let output = try #require((generation.object["output"] as? [[String: Any]])?.first)
            #expect(output["type"] as? String == "video" && (output["url"] as? String)?.hasPrefix(gateway.baseURL + "/media/") == true)
        }
    }

    @Test func theSandboxEditsAnImageOfAnEarlierGeneration() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let original = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"{"model": "uni-1", "prompt": "a plain kite", "aspect_ratio": "2:3", "output_format": "png"}"#)
            let originalID = try #require(original.object["id"] as? String)
            let made = try await gateway.waitForTerminal(originalID, token: token, path: "/agents/v1/generations/")
            let edit = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"""
                    {"model": "uni-1", "type": "image_edit", "prompt": "make it green", "output_format": "png", "source": {"generation_id": "\#(originalID)"}}
                    """#)
            #expect(edit.status == 201 && edit.object["type"] as? String == "image_edit", "\(edit.text)")
            let edited = try await gateway.waitForTerminal(try #require(edit.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            #expect(edited["state"] as? String == "completed", "\(edited)")
            let before = try await gateway.request(.GET, ((made["output"] as? [[String: Any]])?.first?["url"] as? String) ?? "")
            let after = try await gateway.request(.GET, ((edited["output"] as? [[String: Any]])?.first?["url"] as? String) ?? "")
            #expect(after.status == 200 && after.body != before.body, "a visibly changed copy")
            #expect(ImageProbe.size(of: after.body).map { [$0.width, $0.height] } == [1366, 2048], "the source's 2:3 frame")
        }
    }

    @Test func theSandboxShowsEachKeyframeFromItsIndexAndEndsOnTheEndFrame() async throws {
        let directory = TestGateway.temporaryDirectory()
        try await FFmpegFixture.make(["-f", "lavfi", "-i", "color=c=red:s=320x180", "-frames:v", "1", "red.png"], in: directory)
        try await FFmpegFixture.make(["-f", "lavfi", "-i", "color=c=blue:s=320x180", "-frames:v", "1", "blue.png"], in: directory)
        let inline = { (name: String) in
            #"{"data": "\#(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)).base64EncodedString())", "media_type": "image/png"}"#
        }
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let created = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"""
                    {"model": "ray-3.2", "prompt": "k", "video": {"resolution": "360p", "keyframes": [\#(try inline("blue.png")), \#(try inline("red.png"))], "keyframe_indexes": [60, 0]}}
                    """#)
            #expect(created.status == 201, "\(created.text)")
            let done = try await gateway.waitForTerminal(try #require(created.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            let url = try #require(((done["output"] as? [[String: Any]])?.first)?["url"] as? String)
            let video = directory + "/keyframes.mp4"
            try await gateway.request(.GET, url).body.write(to: URL(fileURLWithPath: video))
            // Red before frame 60, blue from it.
            try await Self.expectColours(of: video, [(10, [255, 0, 0]), (100, [0, 0, 255])], in: directory)

            // A start and an end frame: the video opens on one and ends on the other.
            let framed = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"""
                    {"model": "ray-3.2", "prompt": "f", "video": {"resolution": "360p", "start_frame": \#(try inline("red.png")), "end_frame": \#(try inline("blue.png"))}}
                    """#)
            let finished = try await gateway.waitForTerminal(
                try #require(framed.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            let framedURL = try #require(((finished["output"] as? [[String: Any]])?.first)?["url"] as? String)
            let framedVideo = directory + "/framed.mp4"
            try await gateway.request(.GET, framedURL).body.write(to: URL(fileURLWithPath: framedVideo))
            try await Self.expectColours(of: framedVideo, [(10, [255, 0, 0]), (120, [0, 0, 255])], in: directory)
        }
    }

    @Test func aSandboxLoopEndsOnItsOwnFirstFrame() async throws {
        let directory = TestGateway.temporaryDirectory()
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            var drift: [Bool: Int] = [:]
            for loop in [false, true] {
                let created = try await gateway.request(
                    .POST, "/agents/v1/generations", token: token,
                    json: #"""
                        {"model": "ray-3.2", "prompt": "the same drifting colours", "video": {"resolution": "360p", "loop": \#(loop)}}
                        """#)
                #expect(created.status == 201, "\(created.text)")
                let done = try await gateway.waitForTerminal(
                    try #require(created.object["id"] as? String), token: token, path: "/agents/v1/generations/")
                let url = try #require(((done["output"] as? [[String: Any]])?.first)?["url"] as? String)
                let video = directory + "/loop-\(loop).mp4"
                try await gateway.request(.GET, url).body.write(to: URL(fileURLWithPath: video))
                let first = try await Self.meanColour(of: video, frame: 0, grid: 4, in: directory)
                let last = try await Self.meanColour(of: video, frame: 120, grid: 4, in: directory)
                drift[loop] = zip(first, last).map { abs($0 - $1) }.max() ?? 0
            }
            #expect(drift[true]! <= 24, "a loop's last frame is its first, but for the sweeping bar: \(drift)")
            #expect(drift[false]! > 60, "without loop the colours drift away: \(drift)")
        }
    }

    /// Checks the mean colour of each frame numbered, within a margin for the drawn prompt and bar.
    private static func expectColours(of video: String, _ frames: [(Int, [Int])], in directory: String) async throws {
        for (frame, colour) in frames {
            let mean = try await meanColour(of: video, frame: frame, in: directory)
            #expect(zip(mean, colour).allSatisfy { abs($0 - $1) < 40 }, "frame \(frame) of \(video): \(mean)")
        }
    }

    /// The mean RGB of one frame of `video`, or of each cell of a `grid`×`grid` split of it.
    private static func meanColour(of video: String, frame: Int, grid: Int = 1, in directory: String) async throws -> [Int] {
        let name = "frame-\(UUID().uuidString).rgb"
        try await FFmpegFixture.make(
            [
                "-i", video, "-vf", "select=eq(n\\,\(frame)),scale=\(grid):\(grid)", "-frames:v", "1", "-f", "rawvideo",
                "-pix_fmt", "rgb24", name,
            ], in: directory)
        return try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)).map(Int.init)
    }

    @Test func theSandboxEditsAndReframesAnEarlierVideo() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            func made(_ json: String) async throws -> [String: Any] {
                let created = try await gateway.request(.POST, "/agents/v1/generations", token: token, json: json)
                #expect(created.status == 201, "\(created.text)")
                return try await gateway.waitForTerminal(try #require(created.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            }
            func video(_ generation: [String: Any]) async throws -> (Data, [FFprobe.Stream]) {
                let url = try #require(((generation["output"] as? [[String: Any]])?.first)?["url"] as? String)
                let body = try await gateway.request(.GET, url).body
                return (body, try await FFprobe.streams(of: body, suffix: ".mp4"))
            }
            let source = try await made(#"{"model": "ray-3.2", "prompt": "the source", "video": {"resolution": "360p"}}"#)
            let sourceID = try #require(source["id"] as? String)
            let edited = try await made(
                #"{"model": "ray-3.2", "type": "video_edit", "prompt": "neon", "source": {"generation_id": "\#(sourceID)"}, "video": {"resolution": "360p", "edit": {"strength": "flex_2"}}}"#
            )
            #expect(edited["state"] as? String == "completed" && edited["type"] as? String == "video_edit", "\(edited)")
            let (sourceBytes, _) = try await video(source)
            let (editBytes, editStreams) = try await video(edited)
            #expect(
                editBytes != sourceBytes && editStreams.first.map { [$0.width, $0.height] } == [640, 360], "a changed copy in the source's frame")
            let reframed = try await made(
                #"{"model": "ray-3.2", "type": "video_reframe", "prompt": "tall", "aspect_ratio": "9:16", "source": {"generation_id": "\#(sourceID)"}, "video": {"resolution": "360p", "source_position": {"x_norm": 0, "y_norm": 0.3, "w_norm": 1, "h_norm": 0.32}}}"#
            )
            #expect(reframed["state"] as? String == "completed" && reframed["type"] as? String == "video_reframe", "\(reframed)")
            let (_, reframedStreams) = try await video(reframed)
            #expect(reframedStreams.first.map { [$0.width, $0.height] } == [360, 640], "the new canvas")
            #expect(Double(reframedStreams.first?.duration ?? "") ?? 0 > 5, "as long as the source")
        }
    }

    @Test func uni1ImagesAreRelayedToTheAgentsAPIAndKept() async throws {
        let fake = try await FakeLumaAgents.start(outputLifetime: 5)
        try await TestGateway.with(configure: { configuration in
            configuration.lumaAgents = LumaAgentsChannel.Settings(apiKey: FakeLumaAgents.apiKey, baseURL: fake.apiURL)
            configuration.agentsPolling.firstPollSeconds = 0.2
            configuration.agentsPolling.minPollSeconds = 0.1
            configuration.agentsPolling.maxPollSeconds = 0.2
        }) { gateway in
            let token = try await gateway.createToken("images")
            let created = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"{"model": "uni-1", "prompt": "a red kite", "aspect_ratio": "3:2", "output_format": "jpeg"}"#)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            let generation = try await gateway.waitForTerminal(id, token: token, path: "/agents/v1/generations/")
            #expect(generation["state"] as? String == "completed", "\(generation)")
            let sent = try #require(fake.allGenerations.first)
            #expect(sent.request["type"] as? String == "image" && sent.request["output_format"] as? String == "jpeg")
            #expect(sent.request["aspect_ratio"] as? String == "3:2")
            try await Task.sleep(for: .seconds(5.2))
            let url = try #require(((generation["output"] as? [[String: Any]])?.first)?["url"] as? String)
            let kept = try await gateway.request(.GET, url)
            #expect(kept.status == 200 && ImageProbe.size(of: kept.body).map { [$0.width, $0.height] } == [1536, 1024])
            #expect(try await used(gateway, "images") == 5)

            let edit = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"""
                    {"model": "uni-1", "type": "image_edit", "prompt": "greener", "source": {"data": "\#(try Fixtures.data("first-frame.png").base64EncodedString())", "media_type": "image/png"}}
                    """#)
            #expect(edit.status == 201, "\(edit.text)")
            let edited = try await gateway.waitForTerminal(try #require(edit.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            #expect(edited["state"] as? String == "completed", "\(edited)")
            let sentEdit = try #require(fake.allGenerations.first { $0.prompt == "greener" })
            #expect(sentEdit.request["type"] as? String == "image_edit")
            let guided = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"""
                    {"model": "ray-3.2", "prompt": "guided", "video": {"keyframes": [{"data": "\#(try Fixtures.data("first-frame.png").base64EncodedString())", "media_type": "image/png"}], "keyframe_indexes": [24]}}
                    """#)
            #expect(guided.status == 201, "\(guided.text)")
            _ = try await gateway.waitForTerminal(try #require(guided.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            let sentGuided = try #require(fake.allGenerations.first { $0.prompt == "guided" })
            #expect((sentGuided.video["keyframes"] as? [[String: Any]])?.first?["media_type"] as? String == "image/png")
            #expect(sentGuided.video["keyframe_indexes"] as? [Int] == [24])
            let source = try #require(sentEdit.request["source"] as? [String: Any])
            #expect((source["data"] as? String).flatMap { Data(base64Encoded: $0) }.flatMap(ImageProbe.format(of:)) != nil)

            // A video edit names its source by the id Luma gave it.
            let video = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"{"model": "ray-3.2", "prompt": "to be edited", "video": {"resolution": "540p"}}"#)
            let videoID = try #require(video.object["id"] as? String)
            #expect(try await gateway.waitForTerminal(videoID, token: token, path: "/agents/v1/generations/")["state"] as? String == "completed")
            let change = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"""
                    {"model": "ray-3.2", "type": "video_reframe", "prompt": "wider", "aspect_ratio": "21:9", "source": {"generation_id": "\#(videoID)"},
                     "video": {"resolution": "540p", "source_position": {"x_norm": 0.25, "y_norm": 0, "w_norm": 0.5, "h_norm": 1}}}
                    """#)
            #expect(change.status == 201, "\(change.text)")
            let changed = try await gateway.waitForTerminal(
                try #require(change.object["id"] as? String), token: token, path: "/agents/v1/generations/")
            #expect(changed["state"] as? String == "completed", "\(changed)")
            let sentChange = try #require(fake.allGenerations.first { $0.prompt == "wider" })
            let upstreamSource = try #require(fake.allGenerations.first { $0.prompt == "to be edited" })
            #expect(sentChange.request["type"] as? String == "video_reframe" && sentChange.request["aspect_ratio"] as? String == "21:9")
            #expect((sentChange.request["source"] as? [String: Any])?["generation_id"] as? String == upstreamSource.id)
            #expect((sentChange.video["source_position"] as? [String: Any])?["w_norm"] as? Double == 0.5)
        }
        await fake.stop()
    }
}
