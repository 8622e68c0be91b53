import Foundation
@testable import LumaGate
import Testing

/// Videos a client sends to be edited or reframed (by URL, as data, or as a file of the Files
/// API), through the sandbox: what ffmpeg reads from them is believed, what their headers claim
/// is not, and a video that is not one, too long or from a private address is refused naming the
/// field, with nothing kept and nothing charged.
@Suite struct AgentsVideoSourceTests {
    enum Container: String {
        case mp4, webm, mov

        /// H.264 in an MP4, VP8 in a WebM (which an MP4 cannot carry), ProRes in a MOV (nor that).
        var codec: [String] {
            switch self {
            case .mp4: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
            case .webm: ["-c:v", "libvpx", "-deadline", "realtime", "-pix_fmt", "yuv420p"]
            case .mov: ["-c:v", "prores_ks", "-profile:v", "0"]
            }
        }
    }

    /// A clip of `seconds` at `width`×`height`, 24 fps.
    private func video(_ width: Int, _ height: Int, seconds: Int, in container: Container = .mp4) async throws -> Data {
        let directory = TestGateway.temporaryDirectory()
        let name = "source." + container.rawValue
        try await FFmpegFixture.make(
            ["-f", "lavfi", "-i", "testsrc2=s=\(width)x\(height):r=24", "-frames:v", "\(seconds * 24)"] + container.codec + [name], in: directory)
        return try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
    }

    private func made(_ gateway: TestGateway, _ token: String, _ json: String) async throws -> [String: Any] {
        let created = try await gateway.request(.POST, "/agents/v1/generations", token: token, json: json)
        #expect(created.status == 201, "\(created.text)")
        return try await gateway.waitForTerminal(try #require(created.object["id"] as? String), token: token, path: "/agents/v1/generations/")
    }

    private func output(_ gateway: TestGateway, _ generation: [String: Any]) async throws -> FFprobe.Stream {
        #expect(generation["state"] as? String == "completed", "\(generation)")
        let url = try #require(((generation["output"] as? [[String: Any]])?.first)?["url"] as? String)
        return try #require(try await FFprobe.streams(of: try await gateway.request(.GET, url).body, suffix: ".mp4").first)
    }

    @Test func aVideoSentAsDataByURLOrAsAFileIsEditedAndReframed() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken("videos")
            let wide = try await video(320, 180, seconds: 3).base64EncodedString()
            let edited = try await made(
                gateway, token,
                #"{"model": "ray-3.2", "type": "video_edit", "prompt": "in data", "source": {"data": "\#(wide)", "media_type": "video/mp4"}, "video": {"resolution": "360p", "edit": {"strength": "flex_1"}}}"#
            )
            let editedVideo = try await output(gateway, edited)
            #expect([editedVideo.width, editedVideo.height] == [640, 360], "an edit keeps its source's 16:9 frame")
            #expect(abs((Double(editedVideo.duration ?? "") ?? 0) - 3) < 0.2, "and its length: \(editedVideo.duration ?? "?")")

            // ProRes, which an MP4 cannot carry, is encoded as H.264.
            let prores = try await video(240, 240, seconds: 1, in: .mov).base64EncodedString()
            let fromProRes = try await output(
                gateway,
                try await made(
                    gateway, token,
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "prores", "source": {"data": "\#(prores)", "media_type": "video/quicktime"}, "video": {"resolution": "360p"}}"#
                ))
            #expect([fromProRes.width, fromProRes.height, fromProRes.codec_name] == [360, 360, "h264"] as [AnyHashable?])

            // The edit's own video, by its URL at the gateway (allowed here, as a public host would be).
            let editedURL = try #require(((edited["output"] as? [[String: Any]])?.first)?["url"] as? String)
            let reframed = try await made(
                gateway, token,
                #"{"model": "ray-3.2", "type": "video_reframe", "prompt": "by url", "aspect_ratio": "9:16", "source": {"url": "\#(editedURL)", "media_type": "video/mp4"}, "video": {"resolution": "360p"}}"#
            )
            let reframedVideo = try await output(gateway, reframed)
            #expect([reframedVideo.width, reframedVideo.height] == [360, 640])

            // A VP8 WebM file, made an MP4 by the Files API, then edited by its id.
            let boundary = "video-file-boundary"
            var form = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tall.webm\"\r\n".utf8)
            form += Data("Content-Type: video/webm\r\n\r\n".utf8) + (try await video(180, 320, seconds: 2, in: .webm))
            form += Data("\r\n--\(boundary)--\r\n".utf8)
            let uploaded = try await gateway.request(
                .POST, "/agents/v1/files", token: token, body: form, headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
            #expect(uploaded.status == 201, "\(uploaded.text)")
            let file = try #require(uploaded.object["file"] as? [String: Any])
            #expect(file["mime_type"] as? String == "video/mp4" && file["state"] as? String == "ready", "\(file)")
            let fileID = try #require(uploaded.object["id"] as? String)
            let fromFile = try await made(
                gateway, token,
                #"{"model": "ray-3.2", "type": "video_edit", "prompt": "from a file", "source": {"file_id": "\#(fileID)"}, "video": {"resolution": "360p", "edit": {"keyframes": [{"data": "\#(try Fixtures.data("first-frame.png").base64EncodedString())", "media_type": "image/png"}], "keyframe_indexes": [24]}}}"#
            )
            let fromFileVideo = try await output(gateway, fromFile)
            #expect([fromFileVideo.width, fromFileVideo.height] == [360, 640], "9:16 like the file")

            let asImage = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"{"model": "ray-3.2", "prompt": "x", "video": {"start_frame": {"file_id": "\#(fileID)"}}}"#)
            #expect(asImage.status == 400 && asImage.text.contains("names a video file"), "\(asImage.text)")
            let lateKeyframe = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json:
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"file_id": "\#(fileID)"}, "video": {"edit": {"keyframes": [{"data": "\#(try Fixtures.data("first-frame.png").base64EncodedString())", "media_type": "image/png"}], "keyframe_indexes": [49]}}}"#
            )
            #expect(lateKeyframe.status == 422 && lateKeyframe.text.contains("past the source's last frame"), "\(lateKeyframe.text)")
        }
    }

    @Test func hostileVideosAreRefusedNamingTheFieldAndLeaveNothingBehind() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken("hostile")
            let good = try await video(320, 180, seconds: 2)
            let long = try await video(64, 36, seconds: 19)
            let cases: [(String, Data?, Int, String)] = [
                ("http://10.0.0.7/v.mp4", nil, 400, "does not fetch from"),
                ("", Data("<!doctype html><html><body>not a video</body></html>".utf8), 400, "is not a video this gateway can read"),
                ("", good.prefix(good.count / 2), 400, "is not a video this gateway can read"),
                ("", long, 400, "longer than 18 s"),
            ]
            for (url, data, status, message) in cases {
                let source =
                    data.map { #"{"data": "\#($0.base64EncodedString())", "media_type": "video/mp4"}"# }
                    ?? #"{"url": "\#(url)", "media_type": "video/mp4"}"#
                let reply = try await gateway.request(
                    .POST, "/agents/v1/generations", token: token,
                    json: #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": \#(source)}"#)
                #expect(
                    reply.status == status && reply.text.contains("Field `source`") && reply.text.contains(message), "\(reply.status) \(reply.text)")
            }
            let imageType = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json:
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "x", "source": {"url": "https://example.com/a.png", "media_type": "image/png"}}"#
            )
            #expect(imageType.status == 400 && imageType.text.contains("Field `source.media_type`"), "\(imageType.text)")
            let boundary = "hostile-video-file"
            let page = Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.mp4\"\r\nContent-Type: video/mp4\r\n\r\n<html></html>\r\n--\(boundary)--\r\n"
                    .utf8)
            let pageFile = try await gateway.request(
                .POST, "/agents/v1/files", token: token, body: page, headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
            #expect(pageFile.status == 400 && pageFile.text.contains("Field `file`"), "\(pageFile.text)")

            #expect(try await gateway.gateway.tasks.countInFlight() == 0)
            #expect(try #require(try await TokenRepository(database: gateway.gateway.database).find(idOrName: "hostile")).used == 0)
            let files = try await gateway.request(.GET, "/agents/v1/files", token: token)
            #expect((files.object["data"] as? [Any])?.isEmpty == true)
            if !TestMedia.inBucket {
                let kept = (try? FileManager.default.contentsOfDirectory(atPath: gateway.gateway.mediaStore.absolutePath("uploads"))) ?? []
                #expect(kept.isEmpty, "nothing kept: \(kept)")
            }
            #expect(try await gateway.request(.GET, "/healthz").status == 200)
        }
    }

    /// What an MP4's header says about its size and length is not what the gateway goes by: it
    /// measures the stream ffmpeg re-muxes.
    @Test func aVideoHeaderClaimingHugeFramesAndTenHoursIsMeasuredByItsStream() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken("headers")
            var bytes = [UInt8](try await video(320, 180, seconds: 2))
            func patch(_ box: String, at offset: Int, _ value: UInt32, width: Int = 4) {
                var index = 0
                let type = Array(box.utf8)
                while index + 4 <= bytes.count {
                    if Array(bytes[index..<index + 4]) == type {
                        let start = index + 4 + offset
                        for byte in 0..<width { bytes[start + byte] = UInt8((value >> (8 * UInt32(width - 1 - byte))) & 0xFF) }
                    }
                    index += 1
                }
            }
            patch("tkhd", at: 76, 30000 << 16)
            patch("tkhd", at: 80, 30000 << 16)
            patch("avc1", at: 24, 30000, width: 2)
            patch("avc1", at: 26, 30000, width: 2)
            patch("mvhd", at: 16, 1000 * 36000)
            patch("mdhd", at: 16, 12288 * 36000)
            let liar = Data(bytes).base64EncodedString()
            let created = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json:
                    #"{"model": "ray-3.2", "type": "video_edit", "prompt": "liar", "source": {"data": "\#(liar)", "media_type": "video/mp4"}, "video": {"resolution": "360p"}}"#
            )
            // Either refused as unreadable, or taken as what its stream is: never 30,000 pixels or ten hours.
            if created.status == 201 {
                let generation = try await gateway.waitForTerminal(
                    try #require(created.object["id"] as? String), token: token, path: "/agents/v1/generations/")
                let made = try await output(gateway, generation)
                #expect([made.width, made.height] == [640, 360])
                #expect((Double(made.duration ?? "") ?? 99) <= 18.5)
            } else {
                #expect(created.status == 400 && created.text.contains("Field `source`"), "\(created.text)")
            }
            #expect(try await gateway.request(.GET, "/healthz").status == 200)
        }
    }
}
