import Foundation
import Logging

/// The built-in engine for a gateway with no upstream: it walks each task through queued and
/// dreaming on a schedule, then renders real, playable media (or, for an image generation, a
/// real picture) locally.
///
/// A prompt containing `sandbox:fail` makes the task fail on purpose once it leaves the queue,
/// so client developers can exercise their failure path.
public struct SandboxChannel: UpstreamChannel {
    public static let failureMarker = "sandbox:fail"

    public static let channelName = "sandbox"
    public let name = channelName
    public let isPaid = false
    /// A poll only starts or collects a render (`RenderJobs` does the work), so it is quick.
    public let concurrency = 8
    let schedule: SandboxSchedule
    let renderer: SandboxRenderer?
    let renders: RenderJobs
    let store: MediaStore
    /// How each model's frames are sized.
    let models: ModelCatalogue
    let now: @Sendable () -> Date

    /// `renderer` is nil when ffmpeg is not installed: tasks then fail with a reason that says so.
    /// Renders are CPU-bound: `renderWorkers` at once, one per core of a small machine.
    /// `sharesMedia`: other live processes render into the same media folder (a shared store).
    public init(
        schedule: SandboxSchedule, renderer: SandboxRenderer?, store: MediaStore, models: ModelCatalogue = .builtIn,
        sharesMedia: Bool = false, renderWorkers: Int = 2,
        now: @escaping @Sendable () -> Date, logger: Logger = Logger(label: "lumagate.sandbox")
    ) {
        self.schedule = schedule
        self.renderer = renderer
        self.store = store
        self.models = models
        self.now = now
        self.renders = RenderJobs(store: store, sharesMedia: sharesMedia, workers: renderWorkers, staleAfter: 15, logger: logger)
    }

    public var kind: ChannelRecord.Kind { .init(rawValue: Self.channelName) }

    /// It stands in for every upstream, so it draws every model.
    public let drawsEveryModel = true

    /// A few seconds whatever the model: queued, dreaming, a render.
    public func expectedSeconds(for task: VideoTask) -> Double? { 5 }

    /// Videos and images; the operations only Luma can do are not for the sandbox.
    public func supports(_ request: GenerationRequest) -> Bool {
        !(request.kind?.isRelayedOperation ?? false)
    }

    public func submit(_ task: VideoTask, parent: VideoTask?, end: VideoTask?) async throws -> String {
        "sandbox-\(task.id)"
    }

    public func fetch(_ task: VideoTask) async throws -> UpstreamSnapshot {
        let elapsed = now().timeIntervalSince(Date(millis: task.createdAtMillis))
        if elapsed < schedule.queuedSeconds { return .queued }
        if task.request.prompt.localizedCaseInsensitiveContains(Self.failureMarker) {
            return .failed(reason: "The sandbox failed this task on purpose: its prompt contains \"\(Self.failureMarker)\".")
        }
        if elapsed < schedule.queuedSeconds + schedule.dreamingSeconds { return .dreaming }
        guard let renderer else {
            return .failed(reason: "The gateway's sandbox cannot render videos because ffmpeg is not installed on its host.")
        }
        // An edit's keyframes are pinned to its source's frames: listed, not drawn.
        let keyframes = task.request.kind == .videoEdit ? [] : (task.request.keyframes ?? []).sorted { $0.index < $1.index }
        var prepared = SandboxRenderer.Input(
            taskID: task.id,
            prompt: task.request.prompt,
            frameSize: frameSize(of: task.request),
            durationSeconds: task.request.durationSeconds,
            loop: task.request.loop ?? false
        )
        prepared.notes = Self.notes(on: task.request)
        let input = prepared
        let references = (task.request.references ?? []).map(\.storedPath)
        let (request, now, store) = (task.request, self.now, self.store)
        // An edit or a reframe is made from its source's video.
        let sourceVideo =
            request.kind == .videoEdit || request.kind == .videoReframe
            ? request.sourceVideo ?? request.remixedFrom.map { "\(store.taskDirectory($0))/\(VideoStills.videoFile)" } : nil
        let inputs = [firstFrame(of: task), lastFrame(of: task), sourceVideo] + keyframes.map(\.image.storedPath) + references
        switch await renders.poll(
            taskID: task.id, tokenID: task.tokenID,
            render: {
                try await store.withLocalFiles(inputs) { local in
                    var input = input
                    input.firstFramePath = local[0]
                    input.lastFramePath = local[1]
                    input.keyframes = zip(local.dropFirst(3), keyframes).compactMap { path, keyframe in path.map { ($0, keyframe.index) } }
                    input.referencePaths = local.suffix(references.count).compactMap { $0 }
                    if request.kind == .layering, let source = local[0] {
                        return try await renderer.renderLayers(input, sourcePath: source, createdAtMillis: now().millis)
                    }
                    if let sourceVideo = local[2] {
                        return try await renderer.renderChange(
                            input, sourcePath: sourceVideo, reframe: request.kind == .videoReframe,
                            position: request.sourcePosition, createdAtMillis: now().millis)
                    }
                    if request.producesImage {
                        let format = request.imageFormat ?? GenerationRequest.defaultImageFormat
                        return try await renderer.renderImage(input, format: format, createdAtMillis: now().millis)
                    }
                    return try await renderer.render(input, createdAtMillis: now().millis)
                }
            })
        {
        case .running: return .dreaming
        case .finished(.success(let media)): return .completed(media)
        case .finished(.failure(let failure)): return .failed(reason: failure.reason)
        }
    }

    public func nextPoll(for task: VideoTask, after snapshot: UpstreamSnapshot, now: Date) -> Date {
        let created = Date(millis: task.createdAtMillis)
        switch snapshot {
        case .queued: return max(now, created.addingTimeInterval(schedule.queuedSeconds))
        case .dreaming:
            // Past its dreaming time, the task is rendering: look again shortly.
            let rendering = created.addingTimeInterval(schedule.queuedSeconds + schedule.dreamingSeconds)
            return now >= rendering ? now.addingTimeInterval(0.25) : rendering
        case .completed, .failed: return now
        }
    }

    /// What the sandbox cannot show but a client should see arrived, a line each.
    static func notes(on request: GenerationRequest) -> [String] {
        var notes: [String] = []
        if request.webSearch == true { notes.append("web search: on") }
        if let style = request.style { notes.append("style: \(style)") }
        if let strength = request.editStrength { notes.append("strength: \(strength)") }
        if let auto = request.autoControls { notes.append("auto controls: \(auto ? "on" : "off")") }
        notes += request.editControls?.summary ?? []
        if request.kind == .videoEdit, let keyframes = request.keyframes, !keyframes.isEmpty {
            notes.append("keyframes at \(keyframes.map { String($0.index) }.joined(separator: ", "))")
        }
        return notes
    }

    /// Exact frames are the exact ratio at the asked resolution's short side (720p 16:9 is
    /// 1280×720), and images 2048 pixels on the long side, as Luma's current models make them;
    /// the older models' are Luma's own frame sizes.
    func frameSize(of request: GenerationRequest) -> (width: Int, height: Int) {
        guard models.spec(for: request)?.frames == .exact else { return (AspectRatio(rawValue: request.aspectRatio) ?? .wide).frameSize }
        if request.kind == .layering {
            return AspectRatio.frameSize(ratio: request.aspectRatio, longSide: request.layerResolution == "2k" ? 2048 : 1024)
        }
        if request.producesImage { return AspectRatio.frameSize(ratio: request.aspectRatio, longSide: 2048) }
        return AspectRatio.frameSize(ratio: request.aspectRatio, shortSide: ModelSpec.shortSide(of: models.resolution(of: request)))
    }

    /// A video leading into another generation ends on that one's first frame; otherwise on the
    /// client's last frame, if any.
    private func lastFrame(of task: VideoTask) -> String? {
        if let endID = task.request.endGenerationID {
            return "\(store.taskDirectory(endID))/\(VideoStills.thumbnailFile)"
        }
        return task.request.imageEnd?.storedPath
    }

    /// An extension opens on its parent's last frame, a remix on its source's first frame;
    /// otherwise the client's first frame, if any.
    private func firstFrame(of task: VideoTask) -> String? {
        if let parentID = task.parentID {
            return "\(store.taskDirectory(parentID))/\(VideoStills.lastFrameFile)"
        }
        if let sourceID = task.request.remixedFrom {
            return "\(store.taskDirectory(sourceID))/\(VideoStills.thumbnailFile)"
        }
        return task.request.image?.storedPath
    }
}
