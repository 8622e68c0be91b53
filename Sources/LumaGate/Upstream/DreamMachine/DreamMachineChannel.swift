import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Luma's official Dream Machine API, with the operator's API key.
public struct DreamMachineChannel: UpstreamChannel {
    /// When the gateway looks at a generation.
    public struct Polling: Sendable {
        /// First look after a submit: Luma's generations take 30 s or more.
        public var firstPollSeconds: Double = 35
        /// Later looks come every sixteenth of the task's age, within these bounds. Tuned with
        /// bench/upstream-economy.sh on generation times spread over 30-120 s: about 7.5 polls
        /// a task and a median of 2.5 s from Luma finishing to the task completing.
        public var minPollSeconds: Double = 5
        public var maxPollSeconds: Double = 15
        /// With callbacks, polling is only a safety net.
        public var safetyPollSeconds: Double = 60
        public init() {}

        /// Another upstream's pace: its first look, and the bounds of the later ones.
        public init(firstPollSeconds: Double, minPollSeconds: Double, maxPollSeconds: Double) {
            self.firstPollSeconds = firstPollSeconds
            self.minPollSeconds = minPollSeconds
            self.maxPollSeconds = maxPollSeconds
        }

        /// The first look `firstPollSeconds` after the submit, then every sixteenth of the age.
        func nextPoll(for task: VideoTask, now: Date) -> Date {
            let age = now.timeIntervalSince(Date(millis: task.createdAtMillis))
            if task.upstreamID == nil || age < firstPollSeconds {
                return Date(millis: task.createdAtMillis).addingTimeInterval(firstPollSeconds)
            }
            return now.addingTimeInterval(min(max(age / 16, minPollSeconds), maxPollSeconds))
        }
    }

    public static let defaultBaseURL = "https://api.lumalabs.ai/dream-machine/v1"

    public struct Settings: Sendable {
        public var apiKey: String
        public var baseURL: String
        public var timeout: TimeAmount = .seconds(30)
        /// Luma posts each state change to the gateway.
        public var callbacks = false
        public var polling = Polling()

        public init(apiKey: String, baseURL: String = DreamMachineChannel.defaultBaseURL) {
            self.apiKey = apiKey
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        }
    }

    public let name: String
    /// Polls are network-bound; finished videos take a moment of ffmpeg each.
    public let concurrency = 16
    let settings: Settings
    let http: UpstreamHTTP
    let publicURL: PublicURL
    let inspector: RemoteMediaInspector
    /// Set when the operator chose to keep this channel's outputs (`--keep-outputs`).
    let keeper: OutputKeeper?
    let now: @Sendable () -> Date

    public init(
        name: String = "dream-machine", settings: Settings, httpClient: HTTPClient, publicURL: PublicURL,
        inspector: RemoteMediaInspector, keeper: OutputKeeper? = nil, now: @escaping @Sendable () -> Date
    ) {
        self.name = name
        self.settings = settings
        self.http = UpstreamHTTP(httpClient: httpClient, baseURL: settings.baseURL, apiKey: settings.apiKey, timeout: settings.timeout)
        self.publicURL = publicURL
        self.inspector = inspector
        self.keeper = keeper
        self.now = now
    }

    /// Whether Luma can reach the gateway's public URL: not when that is a loopback address and
    /// Luma is not on this machine too.
    public static func canReach(publicURL: String, from baseURL: String) -> Bool {
        !isLoopback(publicURL) || isLoopback(baseURL)
    }

    /// The Dream Machine models and operations; ray-3.2 is only on the Agents API.
    public var kind: ChannelRecord.Kind { .dreamMachine }

    /// Luma fetches images itself, so an image the gateway stores must be reachable at the
    /// public URL.
    public func validate(_ request: GenerationRequest) throws {
        try publicURL.requireImagesReachable(for: request, by: "Luma", at: settings.baseURL)
    }

    public func submit(_ task: VideoTask, parent: VideoTask?, end: VideoTask?) async throws -> String {
        let callbackURL = settings.callbacks ? task.callbackSecret.map { "\(publicURL.base)/callbacks/dream-machine/\($0)" } : nil
        let data: Data
        switch task.request.kind ?? .video {
        case .video:
            let body = DreamMachineMapping.requestBody(
                for: task, parentUpstreamID: parent?.upstreamID, endUpstreamID: end?.upstreamID,
                imageURL: { $0.sourceURL ?? publicURL.media($0.storedPath) }, callbackURL: callbackURL)
            data = try await http.send(.POST, "/generations", body: body.bytes())
        case .image:
            data = try await http.send(
                .POST, "/generations/image", body: DreamMachineMapping.imageRequestBody(for: task, callbackURL: callbackURL).bytes())
        case let kind:
            guard let path = DreamMachineMapping.operationPath(kind, sourceUpstreamID: parent?.upstreamID) else {
                throw UpstreamError.rejected("the generation this operation acts on has no id at Luma")
            }
            data = try await http.send(.POST, path, body: try DreamMachineMapping.relayedBody(for: task, callbackURL: callbackURL))
        }
        return try DreamMachineMapping.generation(from: data).id
    }

    /// Luma's `DELETE /generations/{id}`, which stops a generation still in progress.
    public func cancel(_ task: VideoTask) async {
        guard let upstreamID = task.upstreamID else { return }
        _ = try? await http.send(.DELETE, "/generations/\(upstreamID)")
    }

    public func fetch(_ task: VideoTask) async throws -> UpstreamSnapshot {
        guard let upstreamID = task.upstreamID else { throw UpstreamError.notFound }
        let data = try await http.send(.GET, "/generations/\(upstreamID)")
        return try await snapshot(of: DreamMachineMapping.generation(from: data), for: task)
    }

    /// Where `generation` (polled, or posted to a callback) says `task` stands.
    func snapshot(of generation: DreamMachineGeneration, for task: VideoTask) async throws -> UpstreamSnapshot {
        switch try DreamMachineMapping.progress(of: generation, expectsImage: task.request.producesImage) {
        case .queued: return .queued
        case .dreaming: return .dreaming
        case .failed(let reason): return .failed(reason: reason)
        case .completed(let video, let image):
            if let keeper, let output = task.request.producesImage ? image : video {
                return await keeper.snapshot(of: task, outputAt: output, now: now())
            }
            if task.request.producesImage, let image {
                return .completed(TaskMedia(video: nil, image: await inspector.image(image), createdAtMillis: now().millis))
            }
            guard let video else { return .dreaming }
            return .completed(await inspector.inspect(taskID: task.id, videoURL: video, imageURL: image, atMillis: now().millis))
        }
    }

    public func nextPoll(for task: VideoTask, after snapshot: UpstreamSnapshot, now: Date) -> Date {
        if settings.callbacks { return now.addingTimeInterval(settings.polling.safetyPollSeconds) }
        return settings.polling.nextPoll(for: task, now: now)
    }

    static func isLoopback(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}
