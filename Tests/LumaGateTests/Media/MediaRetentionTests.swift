import Foundation
@testable import LumaGate
import Testing

/// `--media-retention-days`: media older than the retention is deleted from wherever it is kept
/// (the folder, or the bucket when `./test` runs the suite on one), younger media is not touched,
/// and every face says which task's media is gone instead of handing out a dead link.
struct MediaRetentionTests {
    @Test func expiredMediaIsDeletedAndEveryFaceSaysSo() async throws {
        try await TestGateway.with(configure: { $0.mediaRetentionDays = 1 }) { gateway in
            let token = try await gateway.createToken()
            let png = try Fixtures.pngDataURI()
            let old = try await gateway.submit(token: token, #"{"user_prompt": "old enough", "image_url": "\#(png)"}"#)["id"] as! String
            let oldTask = try await gateway.waitForTerminal(old, token: token)
            let oldVideo = try #require((oldTask["video"] as? [String: Any])?["url"] as? String)
            // The OpenAI face says when the content goes from the moment it is finished.
            let before = try await gateway.request(.GET, "/v1/videos/\(old)", token: token).object
            let completedAt = try #require(before["completed_at"] as? Int)
            #expect(before["expires_at"] as? Int == completedAt + 86400)
            let image = try #require(try await gateway.gateway.tasks.find(id: old)?.request.image?.storedPath)

            try await Task.sleep(for: .milliseconds(1500))
            let young = try await gateway.submit(token: token, #"{"user_prompt": "too young"}"#)["id"] as! String
            let youngTask = try await gateway.waitForTerminal(young, token: token)
            #expect(youngTask["state"] as? String == "completed")

            // A day after a moment between the two tasks' completions, however slow the machine was.
            let oldFinished = try #require(try await gateway.gateway.tasks.find(id: old)?.updatedAtMillis)
            let youngFinished = try #require(try await gateway.gateway.tasks.find(id: young)?.updatedAtMillis)
            #expect(youngFinished - oldFinished >= 1000)
            let between = Date(millis: (oldFinished + youngFinished) / 2)
            let retention = MediaRetention(
                tasks: gateway.gateway.tasks, store: gateway.gateway.mediaStore, retentionDays: 1,
                now: { between.addingTimeInterval(86400) }, logger: .init(label: "test"))
            #expect(try await retention.sweepOnce() == 1)
            #expect(try await retention.sweepOnce() == 0, "each task once")

            #expect(try await TestMedia.paths(under: "tasks/\(old)/", directory: gateway.directory).isEmpty)
            #expect(try await !TestMedia.exists(image, directory: gateway.directory), "the image it was made from goes too")
            #expect(try await gateway.request(.GET, oldVideo).status == 404)
            #expect(try await TestMedia.exists("tasks/\(young)/video.mp4", directory: gateway.directory))
            #expect(try await gateway.request(.GET, "/media/tasks/\(young)/video.mp4").status == 200)

            let relay = try await gateway.request(.GET, "/luma/generations/\(old)", token: token).object
            #expect(relay["state"] as? String == "completed")
            #expect(relay["video"] is NSNull && relay["thumbnail"] is NSNull && relay["last_frame"] is NSNull, "\(relay)")
            let expiredAt = try #require(relay["media_expired_at"] as? String)
            let batch = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"ids": ["\#(old)", "\#(young)"]}"#).array
            #expect(batch.count == 2)
            #expect(batch.first { $0["id"] as? String == old }?["media_expired_at"] as? String == expiredAt)
            #expect(batch.first { $0["id"] as? String == young }?["media_expired_at"] == nil)
            #expect((batch.first { $0["id"] as? String == young }?["video"] as? [String: Any])?["url"] != nil)

            let official = try await gateway.request(.GET, "/dream-machine/v1/generations/\(old)", token: token).object
            #expect((official["assets"] as? [String: Any])?.isEmpty == true, "\(official)")
            #expect(official["media_expired_at"] as? String == expiredAt)
            let agents = try await gateway.request(.GET, "/agents/v1/generations/\(old)", token: token).object
            #expect(agents["output"] == nil && agents["media_expired_at"] as? String == expiredAt, "\(agents)")

            let after = try await gateway.request(.GET, "/v1/videos/\(old)", token: token).object
            #expect(after["status"] as? String == "completed")
            #expect(after["expires_at"] as? Int == Int(between.addingTimeInterval(86400).timeIntervalSince1970))
            let content = try await gateway.request(.GET, "/v1/videos/\(old)/content", token: token)
            #expect(content.status == 404 && content.text.contains("expired"), "\(content.text)")
        }
    }
}
