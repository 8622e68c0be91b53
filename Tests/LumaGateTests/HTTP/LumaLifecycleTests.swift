import Foundation
import LumaGate
import Testing

/// Tasks walked to the end by the sandbox, with real media checked by ffprobe.
@Suite struct LumaLifecycleTests {
    @Test func completedTaskHasTheGoldenShapeAndPlayableMediaOfTheStatedSize() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "美人鱼 in a kelp forest"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "completed", "\(task)")

            let reply = try await gateway.request(.GET, "/luma/generations/\(id)", token: token)
            let golden = try JSONDecoder().decode(JSONNode.self, from: try Fixtures.data("query-completed.json"))
            let actual = try JSONDecoder().decode(JSONNode.self, from: reply.body)
            let differences = golden.shapeDifferences(
                from: actual, extrasAllowed: ["": ["prompt", "liked", "estimate_wait_seconds"], "/request": ["*"]])
            #expect(differences.isEmpty, "\(differences)")
            let keys = reply.text.matches(of: /"(\w+)":/).map { String($0.output.1) }
            #expect(Array(keys.prefix(3)) == ["id", "state", "video"], "seed key order")
            // The first answer after the task completed came from the store; later ones come from
            // the query cache: the same answer, its media links resolved alike.
            #expect(NSDictionary(dictionary: try #require(reply.json as? [String: Any])) == NSDictionary(dictionary: task))
            let kept = try await gateway.request(.GET, "/luma/generations/\(id)", token: token)
            #expect(kept.body == reply.body)
            let batch = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"ids": ["\#(id)"]}"#)
            #expect(batch.text == "[" + reply.text + "]")

            let video = task["video"] as! [String: Any]
            let raw = task["video_raw"] as! [String: Any]
            #expect(video["url"] as? String == video["download_url"] as? String)
            #expect(video["width"] as? Int == 1360 && video["height"] as? Int == 752)
            #expect(raw["duration"] as? Double == 5.041667)
            let mp4 = try await gateway.request(.GET, video["download_url"] as! String)
            #expect(mp4.status == 200)
            #expect(mp4.header("content-type") == "video/mp4")
            let stream = try #require(try await FFprobe.streams(of: mp4.body, suffix: ".mp4").first)
            #expect(stream.codec_name == "h264")
            #expect(stream.pix_fmt == "yuv420p")
            #expect(stream.width == 1360 && stream.height == 752)
            #expect(stream.duration.flatMap(Double.init) == raw["duration"] as? Double)
            let moov = try #require(mp4.body.range(of: Data("moov".utf8)))
            let mdat = try #require(mp4.body.range(of: Data("mdat".utf8)))
            #expect(moov.lowerBound < mdat.lowerBound, "faststart puts moov before the media data")

            for key in ["thumbnail", "last_frame"] {
                let image = task[key] as! [String: Any]
                let jpeg = try await gateway.request(.GET, image["url"] as! String)
                #expect(jpeg.header("content-type") == "image/jpeg")
                let frame = try #require(try await FFprobe.streams(of: jpeg.body, suffix: ".jpg").first)
                #expect(frame.width == image["width"] as? Int && frame.height == image["height"] as? Int)
            }
            let grid = ((task["thumbnail"] as! [String: Any])["palette"] as! [String: Any])["grid"] as! String
            #expect(Data(base64Encoded: grid)?.count == 75)

            let ranged = try await gateway.request(.GET, video["url"] as! String, headers: [("Range", "bytes=0-99")])
            #expect(ranged.status == 206)
            #expect(ranged.body.count == 100)
            #expect(ranged.header("content-range") == "bytes 0-99/\(mp4.body.count)")

            let events = try await gateway.gateway.tasks.events(taskID: id)
            #expect(events.map(\.toState) == [.pending, .processing, .completed])
        }
    }

    @Test func portraitNineSecondVideoHasTheMatchingFrameAndDuration() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(token: token, #"{"user_prompt": "a tall waterfall", "aspect_ratio": "9:16", "duration": "9s"}"#)["id"]
                as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            let raw = try #require(task["video_raw"] as? [String: Any])
            #expect(raw["width"] as? Int == 752 && raw["height"] as? Int == 1360)
            #expect(raw["duration"] as? Double == 9.041667)
            let mp4 = try await gateway.request(.GET, raw["url"] as! String)
            let stream = try #require(try await FFprobe.streams(of: mp4.body, suffix: ".mp4").first)
            #expect(stream.width == 752 && stream.height == 1360)
            #expect(stream.duration == "9.041667")
        }
    }

    @Test func extendAndDownloadWaitForCompletionThenWork() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let parent = try await gateway.submit(token: token, #"{"user_prompt": "a lighthouse at dusk", "aspect_ratio": "1:1"}"#)["id"] as! String

            let early = try await gateway.request(
                .POST, "/luma/generations/\(parent)/extend", token: token, json: #"{"user_prompt": "the storm arrives"}"#)
            #expect(early.status == 409)
            #expect(early.object["code"] as? String == "conflict")
            let earlyDownload = try await gateway.request(.GET, "/luma/generations/\(parent)/download_video_url", token: token)
            #expect(earlyDownload.status == 409)

            let done = try await gateway.waitForTerminal(parent, token: token)
            let download = try await gateway.request(.GET, "/luma/generations/\(parent)/download_video_url", token: token)
            #expect(download.status == 200)
            #expect(download.object["url"] as? String == (done["video"] as? [String: Any])?["download_url"] as? String)

            let badBody = try await gateway.request(.POST, "/luma/generations/\(parent)/extend", token: token, json: #"{"user_prompt": 5}"#)
            #expect(badBody.status == 400)
            let withImage = try await gateway.request(
                .POST, "/luma/generations/\(parent)/extend", token: token,
                json: #"{"image_url": "\#(try Fixtures.pngDataURI())"}"#)
            #expect(withImage.status == 400)

            // No prompt: the extension continues the parent's.
            let extended = try await gateway.request(.POST, "/luma/generations/\(parent)/extend", token: token, json: "{}")
            #expect(extended.status == 200, "\(extended.text)")
            let child = extended.object["id"] as! String
            #expect(child != parent)
            #expect((extended.object["request"] as? [String: Any])?["prompt"] as? String == "a lighthouse at dusk")
            let finished = try await gateway.waitForTerminal(child, token: token)
            #expect(finished["state"] as? String == "completed")
            #expect((finished["video"] as? [String: Any])?["width"] as? Int == 1024)
            let stored = try await gateway.gateway.tasks.find(id: child)
            #expect(stored?.parentID == parent)
        }
    }

    @Test func aPromptWithTheFailureMarkerFailsWithAReadableReason() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "please sandbox:fail this one"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "failed")
            #expect((task["failure_reason"] as? String)?.contains("sandbox:fail") == true)
            for key in ["video", "artifact", "thumbnail", "video_raw", "last_frame"] {
                #expect(task[key] is NSNull, "\(key)")
            }
            let download = try await gateway.request(.GET, "/luma/generations/\(id)/download_video_url", token: token)
            #expect(download.status == 409)

            // Its timeline says when it changed and why, to its owner only.
            let events = try await gateway.request(.GET, "/luma/generations/\(id)/events", token: token)
            #expect(events.status == 200)
            let states = events.array.map { $0["to"] as? String }
            #expect(states.first == "pending" && states.last == "failed", "\(states)")
            #expect(events.array.first?["from"] is NSNull)
            #expect(events.array.dropFirst().map { $0["from"] as? String } == states.dropLast(), "each change starts where the last ended")
            #expect((events.array.last?["reason"] as? String)?.contains("sandbox:fail") == true)
            #expect(events.array.allSatisfy { ($0["at"] as? String)?.hasSuffix("Z") == true })
            let stranger = try await gateway.createToken()
            let hidden = try await gateway.request(.GET, "/luma/generations/\(id)/events", token: stranger)
            #expect(hidden.status == 404 && hidden.object["code"] as? String == "not_found")
            #expect(try await gateway.request(.GET, "/luma/generations/\(id)/events").status == 401)
        }
    }

    @Test func uploadedImageServesAsAFirstFrameByURL() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let upload = try await gateway.request(
                .POST, "/luma/generations/file_upload", token: token,
                json: #"{"url": "\#(try Fixtures.pngDataURI())"}"#)
            #expect(upload.status == 200, "\(upload.text)")
            let publicURL = try #require(upload.object["public_url"] as? String)
            #expect(UUID(uuidString: upload.object["id"] as? String ?? "") != nil)
            #expect(try await gateway.request(.GET, publicURL).body == (try Fixtures.data("first-frame.png")))

            for (body, status) in [("{}", 400), (#"{"url": 3}"#, 400), (#"{"url": "not a url"}"#, 400), ("{", 400)] {
                let reply = try await gateway.request(.POST, "/luma/generations/file_upload", token: token, json: body)
                #expect(reply.status == status, "\(body): \(reply.text)")
            }

            // The first frame is fetched over real HTTP from the gateway's own public URL.
            let id = try await gateway.submit(token: token, #"{"user_prompt": "test card", "image_url": "\#(publicURL)"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "completed")
            #expect((task["request"] as? [String: Any])?["image_url"] as? String == publicURL)
        }
    }
}
