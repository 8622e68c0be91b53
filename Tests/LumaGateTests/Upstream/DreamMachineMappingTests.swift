import Foundation
@testable import LumaGate
import Testing

/// The pure translation to and from Luma's official format, on fixtures of each shape.
@Suite struct DreamMachineMappingTests {
    private func generation(_ json: String) throws -> DreamMachineGeneration {
        try DreamMachineMapping.generation(from: Data(json.utf8))
    }

    @Test func everyStateMapsAndUnknownOnesAreRefused() throws {
        #expect(try DreamMachineMapping.progress(of: generation(#"{"id":"g","state":"queued"}"#)) == .queued)
        #expect(try DreamMachineMapping.progress(of: generation(#"{"id":"g","state":"dreaming","assets":null}"#)) == .dreaming)
        #expect(
            try DreamMachineMapping.progress(
                of: generation(
                    #"{"id":"g","state":"completed","assets":{"video":"https://cdn/v.mp4","image":"https://cdn/t.jpg"}}"#))
                == .completed(video: "https://cdn/v.mp4", image: "https://cdn/t.jpg"))
        // Completed without a video is not finished for a client yet.
        #expect(try DreamMachineMapping.progress(of: generation(#"{"id":"g","state":"completed","assets":{}}"#)) == .dreaming)
        let failed = try DreamMachineMapping.progress(of: generation(#"{"id":"g","state":"failed","failure_reason":"400: prompt too long"}"#))
        #expect(failed == .failed(reason: "Luma could not generate this video: 400: prompt too long"))
        #expect(throws: UpstreamError.undecodable("unknown state \"paused\"")) {
            try DreamMachineMapping.progress(of: generation(#"{"id":"g","state":"paused"}"#))
        }
        #expect(throws: UpstreamError.self) { try generation("<html>") }
        #expect(throws: UpstreamError.self) { try generation(#"{"state":"queued"}"#) }
    }

    @Test func failureReasonsAreSentencesAndModerationSaysSo() {
        #expect(DreamMachineMapping.failureSentence(nil).contains("gave no reason"))
        #expect(DreamMachineMapping.failureSentence("  ").contains("gave no reason"))
        #expect(DreamMachineMapping.failureSentence("Prompt flagged by content moderation").contains("content moderation refused"))
        #expect(DreamMachineMapping.errorDetail(from: Data(#"{"detail":"Invalid model"}"#.utf8)) == "Invalid model")
        #expect(DreamMachineMapping.errorDetail(from: Data(#"{"detail":[{"loc":["body"]}]}"#.utf8)) == nil)
    }

    @Test func requestsMapModelsKeyframesAndExtensions() {
        let request = GenerationRequest(
            prompt: "a cat", aspectRatio: "4:3", loop: true,
            image: ImageReference(sourceURL: nil, storedPath: "uploads/a.png"),
            imageEnd: ImageReference(sourceURL: "https://example.com/end.jpg", storedPath: "uploads/b.jpg"),
            model: "ray-v1", resolution: "720p", duration: "9s")
        let task = VideoTask(
            id: "t", tokenID: "k", state: .pending, channel: "dream-machine", request: request,
            createdAtMillis: 0, updatedAtMillis: 0, nextPollAtMillis: 0)
        let body = DreamMachineMapping.requestBody(
            for: task, parentUpstreamID: nil,
            imageURL: { $0.sourceURL ?? "https://gw.example/media/" + $0.storedPath }, callbackURL: nil)
        #expect(
            body.serialized()
                == #"{"generation_type":"video","prompt":"a cat","aspect_ratio":"4:3","model":"ray-1-6","loop":true,"resolution":"720p","duration":"9s","keyframes":{"frame0":{"type":"image","url":"https://gw.example/media/uploads/a.png"},"frame1":{"type":"image","url":"https://example.com/end.jpg"}}}"#
        )

        var plain = task
        plain.request = GenerationRequest(prompt: "more")
        let extension_ = DreamMachineMapping.requestBody(
            for: plain, parentUpstreamID: "parent-upstream-id", imageURL: { $0.storedPath }, callbackURL: nil)
        #expect(
            extension_.serialized()
                == #"{"generation_type":"video","prompt":"more","aspect_ratio":"16:9","model":"ray-2","keyframes":{"frame0":{"type":"generation","id":"parent-upstream-id"}}}"#
        )
    }

    @Test func officialFaceRequestsMapGenerationKeyframesImagesAndOperations() throws {
        func task(_ request: GenerationRequest) -> VideoTask {
            VideoTask(
                id: "t", tokenID: "k", state: .pending, channel: "dream-machine", request: request,
                createdAtMillis: 0, updatedAtMillis: 0, nextPollAtMillis: 0)
        }
        let reverse = DreamMachineMapping.requestBody(
            for: task(GenerationRequest(prompt: "before", model: "ray-2", concepts: ["pan_left"])), parentUpstreamID: nil,
            endUpstreamID: "end-id", imageURL: { $0.storedPath }, callbackURL: "https://gw/cb")
        #expect(
            reverse.serialized()
                == #"{"generation_type":"video","prompt":"before","aspect_ratio":"16:9","model":"ray-2","keyframes":{"frame1":{"type":"generation","id":"end-id"}},"concepts":[{"key":"pan_left"}],"callback_url":"https://gw/cb"}"#
        )

        let image = DreamMachineMapping.imageRequestBody(
            for: task(GenerationRequest(prompt: "a still", aspectRatio: "1:1", kind: .image, imageFormat: "png")), callbackURL: nil)
        #expect(image.serialized() == #"{"generation_type":"image","model":"photon-1","prompt":"a still","aspect_ratio":"1:1","format":"png"}"#)

        let upscale = task(
            GenerationRequest(
                prompt: "", kind: .upscaleVideo, callbackURL: "https://client/cb",
                relayedBody: #"{"callback_url":"https://client/cb","generation_type":"upscale_video","resolution":"4k"}"#))
        #expect(DreamMachineMapping.operationPath(.upscaleVideo, sourceUpstreamID: "src") == "/generations/src/upscale")
        #expect(DreamMachineMapping.operationPath(.addAudio, sourceUpstreamID: nil) == nil)
        #expect(DreamMachineMapping.operationPath(.reframeImage, sourceUpstreamID: nil) == "/generations/image/reframe")
        #expect(
            String(decoding: try DreamMachineMapping.relayedBody(for: upscale, callbackURL: nil), as: UTF8.self)
                == #"{"generation_type":"upscale_video","resolution":"4k"}"#)
        #expect(
            String(decoding: try DreamMachineMapping.relayedBody(for: upscale, callbackURL: "https://gw/cb/s"), as: UTF8.self)
                == #"{"callback_url":"https://gw/cb/s","generation_type":"upscale_video","resolution":"4k"}"#)

        let picture = try generation(#"{"id":"g","state":"completed","assets":{"image":"https://cdn/i.jpg"}}"#)
        #expect(try DreamMachineMapping.progress(of: picture, expectsImage: true) == .completed(video: nil, image: "https://cdn/i.jpg"))
        #expect(try DreamMachineMapping.progress(of: picture) == .dreaming, "a video generation is not done with only an image")
    }

    @Test func onlyTransientUpstreamErrorsAreRetried() {
        #expect(UpstreamError.transport("refused").isRetryable)
        #expect(UpstreamError.rateLimited(retryAfter: 2).isRetryable)
        #expect(UpstreamError.httpStatus(503).isRetryable)
        #expect(UpstreamError.undecodable("x").isRetryable)
        #expect(!UpstreamError.rejected("bad").isRetryable)
        #expect(!UpstreamError.notFound.isRetryable)
        #expect(!UpstreamError.httpStatus(418).isRetryable)
    }
}
