import Foundation
import LumaGate
import LumaGateClient
import Testing

/// What the gateway refuses reaches the caller as `LumaClientError`, with the server's own
/// status, code and sentence; a task that fails or outlasts the wait is reported as such.
@Suite struct LumaClientErrorTests {
    @Test func refusalsCarryTheServersStatusCodeAndDetail() async throws {
        try await TestGateway.with { gateway in
            let stranger = LumaClient(baseURL: gateway.baseURL, token: "lg_not-a-token")
            let unauthorized = await #expect(throws: LumaClientError.self) { try await stranger.tasks() }
            #expect(unauthorized?.status == 401 && unauthorized?.code == "unauthorized")
            #expect(unauthorized?.detail == "This token is not valid for this gateway.")
            #expect(unauthorized?.requestID?.isEmpty == false)
            await #expect(throws: LumaClientError.self) { try await stranger.ping() }

            let client = LumaClient(baseURL: gateway.baseURL, token: try await gateway.createToken())
            let unknown = UUID().uuidString.lowercased()
            let notFound = await #expect(throws: LumaClientError.self) { try await client.task(id: unknown) }
            #expect(notFound?.status == 404 && notFound?.code == "not_found")
            #expect(notFound?.detail.contains(unknown) == true, "\(String(describing: notFound))")
            let officialNotFound = await #expect(throws: LumaClientError.self) { try await client.generation(id: unknown) }
            #expect(officialNotFound?.status == 404)

            let blank = await #expect(throws: LumaClientError.self) { try await client.submit(LumaSubmission(prompt: "   ")) }
            #expect(blank?.status == 400 && blank?.code == "invalid_request")
            #expect(blank?.detail == "Field `user_prompt` must not be blank.")
            let ratio = await #expect(throws: LumaClientError.self) { try await client.submit(LumaSubmission(prompt: "x", aspectRatio: "2:1")) }
            #expect(ratio?.status == 400 && ratio?.detail.contains("aspect_ratio") == true)
            let model = await #expect(throws: LumaClientError.self) {
                try await client.createVideo(VideoGenerationRequest(prompt: "x", model: "ray-9"))
            }
            #expect(model?.status == 400 && model?.detail.contains("model") == true)

            let notAnImage = URL(fileURLWithPath: TestGateway.temporaryDirectory()).appendingPathComponent("notes.png")
            try Data("not a picture".utf8).write(to: notAnImage)
            let refused = await #expect(throws: LumaClientError.self) { try await client.uploadImage(file: notAnImage) }
            #expect(refused?.status == 400 && refused?.code == "invalid_request")

            let missingMedia = await #expect(throws: LumaClientError.self) {
                try await client.download(
                    from: gateway.baseURL + "/media/tasks/\(unknown)/video.mp4",
                    to: URL(fileURLWithPath: TestGateway.temporaryDirectory()).appendingPathComponent("none.mp4"))
            }
            #expect(missingMedia?.status == 404)

            // A failed task is an answer, not an error: it comes back with its reason.
            let doomed = try await client.submit(LumaSubmission(prompt: "sandbox:fail, please"))
            let failed = try await client.waitUntilFinished(id: doomed.id, pollInterval: .milliseconds(100), timeout: .seconds(60))
            #expect(failed.state == .failed && failed.video == nil)
            #expect(failed.failureReason?.hasPrefix("The sandbox failed this task on purpose") == true)
        }
    }

    @Test func unfinishedTasksAnswerConflictsAndTheWaitTimesOut() async throws {
        try await TestGateway.with(configure: { $0.sandbox = SandboxSchedule(queuedSeconds: 600, dreamingSeconds: 1) }) { gateway in
            let client = LumaClient(baseURL: gateway.baseURL, token: try await gateway.createToken())
            let task = try await client.submit(LumaSubmission(prompt: "still queued"))
            let early = await #expect(throws: LumaClientError.self) { try await client.downloadURL(id: task.id) }
            #expect(early?.status == 409 && early?.code == "conflict" && early?.detail.contains("pending") == true)
            let extendEarly = await #expect(throws: LumaClientError.self) { try await client.extend(id: task.id) }
            #expect(extendEarly?.status == 409)

            let started = ContinuousClock.now
            let timedOut = await #expect(throws: LumaWaitTimeout.self) {
                try await client.waitUntilFinished(id: task.id, pollInterval: .milliseconds(200), timeout: .seconds(1))
            }
            // A loaded machine may use up the second before the stream's first event: the wait then
            // saw no state at all, never another one.
            #expect(timedOut?.id == task.id && (timedOut?.lastState ?? .pending) == .pending)
            // The task stays queued for 10 minutes: any answer well short of that is the 1 s timeout
            // at work, however slowly a loaded machine lets the polls run.
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }
}
