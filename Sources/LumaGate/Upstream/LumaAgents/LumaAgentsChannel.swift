import AsyncHTTPClient
import Foundation
import NIOCore

/// Luma's current API, the Agents API, with the operator's API key: ray-3.2 videos and their
/// edits, uni-1 images and their edits. There are no callbacks, so generations are polled;
/// outputs are presigned links that expire after an hour, so a finished output is copied into
/// the gateway's media store before its task completes.
public struct LumaAgentsChannel: UpstreamChannel {
    public static let defaultBaseURL = "https://agents.lumalabs.ai/v1"

    public struct Settings: Sendable {
        public var apiKey: String
        public var baseURL: String
        public var timeout: TimeAmount = .seconds(30)
        public var polling = LumaAgentsChannel.defaultPolling

        public init(apiKey: String, baseURL: String = LumaAgentsChannel.defaultBaseURL) {
            self.apiKey = apiKey
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        }
    }

    /// ray-3.2 takes from about 20 s (360p drafts) to a few minutes (1080p, 10 s): a first look
    /// after 20 s, then every sixteenth of the task's age within 3-10 s.
    public static let defaultPolling = DreamMachineChannel.Polling(firstPollSeconds: 20, minPollSeconds: 3, maxPollSeconds: 10)

    public let name: String
    /// Polls are network-bound; a finished video is a download and a moment of ffmpeg.
    public let concurrency = 16
    let settings: Settings
    let http: UpstreamHTTP
    let keeper: OutputKeeper
    let store: MediaStore
    let now: @Sendable () -> Date

    public init(
        name: String = "luma-agents", settings: Settings, httpClient: HTTPClient, keeper: OutputKeeper, store: MediaStore,
        now: @escaping @Sendable () -> Date
    ) {
        self.name = name
        self.settings = settings
        self.http = UpstreamHTTP(httpClient: httpClient, baseURL: settings.baseURL, apiKey: settings.apiKey, timeout: settings.timeout)
        self.keeper = keeper
        self.store = store
        self.now = now
    }

    /// ray-3.2 videos and uni-1 images and image edits; the Dream Machine models and operations are not on this API.
    public func supports(_ request: GenerationRequest) -> Bool {
        [.video, .image, .imageEdit, .layering, .videoEdit, .videoReframe].contains(request.kind ?? .video)
    }

    public var kind: ChannelRecord.Kind { .lumaAgents }

    /// The largest video sent inline (a source is at most the gateway's largest video).
    static let maxInlineVideoBytes = 512 * 1024 * 1024

    public func submit(_ task: VideoTask, parent: VideoTask?, end: VideoTask?) async throws -> String {
        let images = try await storedImages(of: task.request)
        let inline = { (image: ImageReference) throws -> LumaAgentsMapping.InlineImage in
            guard let image = images[image.storedPath] else {
                throw UpstreamError.rejected("an image of this request is no longer kept by the gateway")
            }
            return image
        }
        let body: JSONValue
        switch task.request.kind ?? .video {
        case .videoEdit, .videoReframe:
            let source: LumaAgentsMapping.ChangeSource
            if let sent = task.request.sourceVideo {
                // The client's video goes inline, so Luma needs no way to reach the gateway.
                guard let data = try await store.read(sent, maxBytes: Self.maxInlineVideoBytes) else {
                    throw UpstreamError.rejected("the video to change is no longer kept by the gateway")
                }
                source = .video(base64: data.base64EncodedString())
            } else {
                guard let id = parent?.upstreamID else { throw UpstreamError.rejected("the video to change has no id at Luma") }
                source = .generation(upstreamID: id)
            }
            body = try LumaAgentsMapping.changeBody(for: task, source: source, userID: task.tokenID, image: inline)
        case .image, .imageEdit, .layering:
            body = try LumaAgentsMapping.imageBody(for: task, userID: task.tokenID, image: inline)
        default:
            body = try LumaAgentsMapping.videoBody(
                for: task, parentUpstreamID: parent?.upstreamID, endUpstreamID: end?.upstreamID, userID: task.tokenID, image: inline)
        }
        return try LumaAgentsMapping.generation(from: try await http.send(.POST, "/generations", body: body.bytes())).id
    }

    /// The request's stored images as the Agents API takes them inline, by stored path; one the
    /// store no longer has is left out.
    private func storedImages(of request: GenerationRequest) async throws -> [String: LumaAgentsMapping.InlineImage] {
        var images: [String: LumaAgentsMapping.InlineImage] = [:]
        for path in request.storedImagePaths {
            guard let data = try await store.read(path), let format = ImageProbe.format(of: data) else { continue }
            images[path] = .init(base64: data.base64EncodedString(), mediaType: format.mediaType)
        }
        return images
    }

    public func fetch(_ task: VideoTask) async throws -> UpstreamSnapshot {
        guard let upstreamID = task.upstreamID else { throw UpstreamError.notFound }
        let generation = try LumaAgentsMapping.generation(from: try await http.send(.GET, "/generations/\(upstreamID)"))
        switch try LumaAgentsMapping.progress(of: generation, expecting: task.request.producesImage ? "image" : "video") {
        case .queued: return .queued
        case .processing: return .dreaming
        case .failed(let reason): return .failed(reason: reason)
        case .completed(let output, let extras):
            return await keeper.snapshot(
                of: task, outputAt: output.url, outputLayer: output.layer?.kept, extras: extras.map { ($0.type, $0.url, $0.layer?.kept) }, now: now())
        }
    }

    public func nextPoll(for task: VideoTask, after snapshot: UpstreamSnapshot, now: Date) -> Date {
        settings.polling.nextPoll(for: task, now: now)
    }
}
