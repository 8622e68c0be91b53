import Foundation
import LumaGateClient
import Synchronization
import Testing

/// The client library's relay face (`/luma`) against a real gateway whose sandbox renders real
/// MP4s: what it decodes must be what the server sent, and what it downloads must play.
@Suite struct LumaClientRelayTests {
    @Test func submitWaitAndDownloadGiveAPlayableVideo() async throws {
        try await TestGateway.with { gateway in
            let client = LumaClient(baseURL: gateway.baseURL + "/", token: try await gateway.createToken())
            let submitted = try await client.submit(
                LumaSubmission(
                    prompt: "a lighthouse in a storm", aspectRatio: "9:16", loop: true, model: "ray-v2", resolution: "540p", duration: "5s"))
            #expect(submitted.state == .pending)
            #expect(submitted.video == nil && submitted.artifact == nil && submitted.failureReason == nil)
            #expect(submitted.request.prompt == "a lighthouse in a storm")
            #expect(submitted.request.aspectRatio == "9:16" && submitted.request.loop == true)
            #expect(submitted.request.model == "ray-v2" && submitted.request.resolution == "540p" && submitted.request.duration == "5s")
            let created = try #require(submitted.createdDate)
            #expect(abs(created.timeIntervalSinceNow) < 60)

            let reports = Mutex<[LumaTaskProgress]>([])
            let finished = try await client.waitUntilFinished(id: submitted.id, pollInterval: .milliseconds(100), timeout: .seconds(90)) { progress in
                reports.withLock { $0.append(progress) }
            }
            #expect(finished.state == .completed, "\(finished.failureReason ?? "")")
            let seen = reports.withLock { $0 }
            #expect(seen.last?.state == .completed)
            let changes = seen.filter(\.stateChanged).map(\.state)
            #expect(changes == changes.sorted { $0.order < $1.order } && Set(changes).count == changes.count, "states only move forward: \(changes)")
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.elapsed <= $1.elapsed })

            let video = try #require(finished.video)
            #expect(video.width == 752 && video.height == 1360)
            #expect(finished.videoRaw?.duration == 5.041667)
            #expect(finished.videoRaw?.mediaType == "video" && finished.thumbnail?.mediaType == "image")
            let grid = try #require(finished.thumbnail?.palette?.grid)
            #expect(Data(base64Encoded: grid)?.count == 75)
            #expect(finished.artifact?.video == video)

            // The model must carry the answer whole: encoded again, it is the server's JSON.
            let raw = try await gateway.request(.GET, "/luma/generations/\(finished.id)", token: client.token)
            #expect(try Self.sameJSON(JSONEncoder().encode(finished), raw.body))

            let downloadURL = try await client.downloadURL(id: finished.id)
            #expect(downloadURL == video.downloadURL)
            let file = URL(fileURLWithPath: TestGateway.temporaryDirectory()).appendingPathComponent("out.mp4")
            let bytes = try await client.download(from: downloadURL, to: file)
            let data = try Data(contentsOf: file)
            #expect(bytes == Int64(data.count) && bytes > 1000)
            let streams = try await FFprobe.streams(of: data, suffix: ".mp4")
            let stream = try #require(streams.first { $0.codec_name == "h264" }, "\(streams)")
            #expect(stream.width == 752 && stream.height == 1360 && stream.pix_fmt == "yuv420p")
            #expect(Double(stream.duration ?? "") == 5.041667)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["out.mp4"],
                "the partial file was moved into place, not left beside it")
        }
    }

    @Test func watchTasksHandsOverEveryChangeOnceAndResumesFromAnEventID() async throws {
        try await TestGateway.with { gateway in
            let client = LumaClient(baseURL: gateway.baseURL, token: try await gateway.createToken())
            let first = try await client.submit(LumaSubmission(prompt: "first to be watched"))
            let second = try await client.submit(LumaSubmission(prompt: "second to be watched"))
            _ = try await client.waitUntilFinished(id: first.id)
            _ = try await client.waitUntilFinished(id: second.id)
            // From the start: each task once, as it is now.
            var seen: [(task: String, state: LumaTaskState, event: String?)] = []
            try await client.watchTasks(from: "0") { task, event in
                seen.append((task.id, task.state, event))
                return seen.count < 2
            }
            #expect(Set(seen.map(\.task)) == [first.id, second.id] && seen.allSatisfy { $0.state == .completed })

            // From the last event: only what changes after it, each change once.
            let last = try #require(seen.last?.event)
            let third = Task {
                try await Task.sleep(for: .milliseconds(300))
                return try await client.submit(LumaSubmission(prompt: "third, made while watching"))
            }
            var later: [(task: String, state: LumaTaskState)] = []
            try await client.watchTasks(from: last) { task, _ in
                later.append((task.id, task.state))
                return !task.state.isFinished
            }
            let thirdID = try await third.value.id
            #expect(later.allSatisfy { $0.task == thirdID }, "\(later)")
            #expect(later.first?.state == .pending && later.last?.state == .completed && Set(later.map(\.state)).count == later.count)
        }
    }

    @Test func uploadedImageBecomesTheFirstFrameAndTheOtherRelayCallsAgree() async throws {
        try await TestGateway.with { gateway in
            let client = LumaClient(baseURL: gateway.baseURL, token: try await gateway.createToken())
            let fixture = Fixtures.directory.appendingPathComponent("first-frame.png")
            let upload = try await client.uploadImage(file: fixture)
            #expect(upload.publicURL.hasPrefix(gateway.baseURL + "/media/uploads/") && upload.publicURL.hasSuffix(".png"))
            let stored = URL(fileURLWithPath: TestGateway.temporaryDirectory()).appendingPathComponent("frame.png")
            try await client.download(from: upload.publicURL, to: stored)
            #expect(try Data(contentsOf: stored) == Data(contentsOf: fixture))

            let submission = LumaSubmission(prompt: "a fox in snow", aspectRatio: "1:1", imageURL: upload.publicURL)
            let parent = try await client.submit(submission, idempotencyKey: "fox-1")
            #expect(parent.request.imageURL == upload.publicURL)
            let retried = try await client.submit(submission, idempotencyKey: "fox-1")
            #expect(retried.id == parent.id, "the same key and request answer the first task")
            let reused = await #expect(throws: LumaClientError.self) {
                try await client.submit(LumaSubmission(prompt: "another fox"), idempotencyKey: "fox-1")
            }
            #expect(reused?.status == 409 && reused?.code == "conflict")

            let finished = try await client.waitUntilFinished(id: parent.id, pollInterval: .milliseconds(100), timeout: .seconds(90))
            #expect(finished.state == .completed)
            #expect(finished.video?.width == 1024 && finished.video?.height == 1024)

            let extended = try await client.extend(id: parent.id)
            #expect(extended.id != parent.id && extended.state == .pending)
            #expect(extended.request.prompt == "a fox in snow" && extended.request.aspectRatio == "1:1")

            let batch = try await client.tasks(ids: [extended.id, UUID().uuidString.lowercased(), parent.id])
            #expect(batch.map(\.id) == [extended.id, parent.id])
            #expect(batch.last == finished)
            let newest = try await client.tasks(offset: 0, limit: 1)
            let older = try await client.tasks(offset: 1, limit: 5)
            #expect(newest.map(\.id) == [extended.id])
            #expect(older.map(\.id) == [parent.id])
            let rawList = try await gateway.request(.GET, "/luma/generations?offset=1&limit=5", token: client.token)
            #expect(try Self.sameJSON(JSONEncoder().encode(older), rawList.body))
        }
    }

    /// Compares as JSON values (key order and spacing aside), nulls included: both sides are
    /// parsed and written again with sorted keys.
    static func sameJSON(_ left: Data, _ right: Data) throws -> Bool {
        func canonical(_ data: Data) throws -> String {
            let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
        }
        let (a, b) = (try canonical(left), try canonical(right))
        if a != b { print("JSON differs:\n\(a)\n\(b)") }
        return a == b
    }
}

extension LumaTaskState {
    var order: Int { Self.allCases.firstIndex(of: self)! }
}
