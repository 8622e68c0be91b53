import Foundation
import LumaGate
import LumaGateClient
import Testing

/// The client library's official face (`/dream-machine/v1`) against a real gateway.
@Suite struct LumaClientOfficialTests {
    @Test func createGetListAndDeleteAVideoGeneration() async throws {
        try await TestGateway.with { gateway in
            let client = LumaClient(baseURL: gateway.baseURL, token: try await gateway.createToken())
            #expect(try await client.ping() == "pong")
            let request = VideoGenerationRequest(
                prompt: "a paper boat on a river", model: "ray-flash-2", aspectRatio: "4:3",
                keyframes: .init(frame0: .image(url: try Fixtures.pngDataURI())), duration: "5s")
            let created = try await client.createVideo(request, idempotencyKey: "boat")
            #expect(created.state == .queued && created.generationType == "video" && created.model == "ray-flash-2")
            #expect(created.assets == Generation.Assets() && created.failureReason == nil)
            #expect(created.request?.prompt == "a paper boat on a river" && created.request?.aspectRatio == "4:3")
            #expect(created.request?.loop == false && created.request?.duration == "5s", "defaults are filled in")
            guard case .image(let stored)? = created.request?.keyframes?.frame0 else {
                Issue.record("frame0 is not an image keyframe: \(String(describing: created.request))")
                return
            }
            #expect(stored.hasPrefix(gateway.baseURL + "/media/"), "base64 is stored, never echoed")
            #expect(try await client.createVideo(request, idempotencyKey: "boat").id == created.id)

            // One task, two faces: the relay face's wait sees the official face's generation.
            let relay = try await client.waitUntilFinished(id: created.id, pollInterval: .milliseconds(100), timeout: .seconds(90))
            #expect(relay.state == .completed)
            let finished = try await client.generation(id: created.id)
            #expect(finished.state == .completed)
            #expect(finished.assets.video == relay.video?.url && finished.assets.image == relay.thumbnail?.url)
            let raw = try await gateway.request(.GET, "/dream-machine/v1/generations/\(created.id)", token: client.token)
            #expect(try LumaClientRelayTests.sameJSON(JSONEncoder().encode(finished), raw.body), "keys left out stay left out")

            // A generation extending the first: frame0 names it.
            let extended = try await client.createVideo(
                VideoGenerationRequest(
                    prompt: "the boat reaches the sea", keyframes: .init(frame0: .generation(id: created.id))))
            #expect(extended.request?.keyframes?.frame0 == .generation(id: created.id))
            #expect(extended.request?.aspectRatio == "4:3", "an extension keeps its parent's aspect ratio")

            let first = try await client.generations(limit: 1)
            #expect(first.hasMore && first.count == 1 && first.limit == 1 && first.offset == 0)
            #expect(first.generations.map(\.id) == [extended.id])
            let second = try await client.generations(limit: 10, offset: 1)
            #expect(!second.hasMore && second.generations.map(\.id) == [created.id])
            let rawPage = try await gateway.request(.GET, "/dream-machine/v1/generations?limit=10&offset=1", token: client.token)
            #expect(try LumaClientRelayTests.sameJSON(JSONEncoder().encode(second), rawPage.body))

            try await client.deleteGeneration(id: extended.id)
            let gone = await #expect(throws: LumaClientError.self) { try await client.generation(id: extended.id) }
            #expect(gone?.status == 404)
            await #expect(throws: LumaClientError.self) { try await client.task(id: extended.id) }
            #expect(try await client.generations().generations.map(\.id) == [created.id])
        }
    }

    @Test func creditsFollowChargesAndTheRefundOfADeletedGeneration() async throws {
        // Tasks stay queued, so the delete finds one unfinished, which is refunded.
        try await TestGateway.with(configure: { $0.sandbox = SandboxSchedule(queuedSeconds: 600, dreamingSeconds: 1) }) { gateway in
            let metered = LumaClient(baseURL: gateway.baseURL, token: try await gateway.gateway.tokens.create(name: "metered", quota: 100).secret)
            #expect(try await metered.credits() == 100)
            // ray-flash-2 at the default 720p, 5 s: 24 credits.
            let created = try await metered.createVideo(VideoGenerationRequest(prompt: "a comet", model: "ray-flash-2"))
            #expect(try await metered.credits() == 76)
            try await metered.deleteGeneration(id: created.id)
            #expect(try await metered.credits() == 100)
            let missing = await #expect(throws: LumaClientError.self) { try await metered.deleteGeneration(id: created.id) }
            #expect(missing?.status == 404 && missing?.code == "not_found")

            let unlimited = LumaClient(baseURL: gateway.baseURL, token: try await gateway.createToken())
            #expect(try await unlimited.credits() == 1_000_000_000)
        }
    }
}
