import Foundation

/// A task as OpenAI's Video object: `status`, a `progress` that only moves forward (100 once
/// completed), unix-second times, and the `seconds` and `size` of what was actually made (what
/// was asked for, until then).
struct OpenAIVideoView {
    /// The gateway's media retention: a finished video's content expires this long after it was made.
    var retentionSeconds: Int64?

    /// The models, for how long each usually takes.
    var models: ModelCatalogue
    /// Every channel a task may be on, by name: one may know its times better than the catalogue.
    var channels: [String: any UpstreamChannel]

    /// How long `task` usually takes, for `progress`.
    func expectedSeconds(for task: VideoTask) -> Double {
        channels[task.channel]?.expectedSeconds(for: task) ?? models.spec(for: task.request)?.typicalSeconds ?? 120
    }

    func render(_ task: VideoTask) -> JSONValue {
        let video = task.media?.video
        let size =
            video.flatMap { video in video.width.flatMap { width in video.height.map { "\(width)x\($0)" } } }
            ?? Self.requestedSize(task.request)
        let seconds = video?.duration.map { String(Int($0.rounded())) } ?? String(task.request.durationSeconds)
        var error: JSONValue = .null
        if task.state == .failed {
            error = .object([
                ("code", .string(Self.errorCode(task.failureReason))),
                ("message", .string(task.failureReason ?? "The video could not be made.")),
            ])
        }
        return .object([
            ("id", .string(task.id)),
            ("object", .string("video")),
            ("model", .string(task.request.officialModel ?? models.defaults.video)),
            ("status", .string(Self.status(task.state))),
            ("progress", .int(progress(task))),
            ("created_at", .int(Int(task.createdAtMillis / 1000))),
            ("completed_at", task.state == .completed ? .int(Int(task.updatedAtMillis / 1000)) : .null),
            ("expires_at", expiresAt(task)),
            ("prompt", .string(task.request.prompt)),
            ("seconds", .string(seconds)),
            ("size", .string(size)),
            ("remixed_from_video_id", .optional(task.request.remixedFrom)),
            ("error", error),
        ])
    }

    /// When the content goes: with a retention, known from the start (counted from completion),
    /// and when the files went, that moment.
    private func expiresAt(_ task: VideoTask) -> JSONValue {
        guard task.state == .completed, let media = task.media else { return .null }
        if let expired = media.expiredAtMillis { return .int(Int(expired / 1000)) }
        return retentionSeconds.map { .int(Int(task.updatedAtMillis / 1000 + $0)) } ?? .null
    }

    static func status(_ state: TaskState) -> String {
        switch state {
        case .pending: "queued"
        case .processing: "in_progress"
        case .completed: "completed"
        case .failed: "failed"
        }
    }

    /// 0 while queued; while in progress, rising with the time spent against the model's usual
    /// time, or with what the upstream reports (a ComfyUI sampler's steps) when that is further,
    /// never past 99; 100 when completed. Both only grow, so it never goes back.
    func progress(_ task: VideoTask, now: Date = Date()) -> Int {
        switch task.state {
        case .pending: return 0
        case .completed: return 100
        case .processing, .failed:
            let end = task.state == .failed ? Date(millis: task.updatedAtMillis) : now
            let elapsed = max(0, end.timeIntervalSince(Date(millis: task.createdAtMillis)))
            let estimate = 10 + Int(89 * elapsed / (elapsed + expectedSeconds(for: task)))
            let reported = task.progress.map { 10 + Int(89 * $0) } ?? 0
            return min(99, max(estimate, reported))
        }
    }

    /// When the SDK should ask again (`openai-poll-after-ms`), from the model and state.
    func pollAfterMillis(_ task: VideoTask) -> Int {
        if task.state.isTerminal { return 0 }
        let expected = expectedSeconds(for: task)
        return Int(min(max(expected * 1000 / (task.state == .pending ? 10 : 20), 500), 10_000))
    }

    static func requestedSize(_ request: GenerationRequest) -> String {
        let resolution = request.resolution ?? "720p"
        if let size = OpenAIVideoFormat.sizes.first(where: { $0.format == .init(aspectRatio: request.aspectRatio, resolution: resolution) }) {
            return size.size
        }
        // Sizes out of the table: Luma's frame at 720p, the exact ratio at another resolution (a ComfyUI model's 240p).
        let frame =
            resolution == "720p"
            ? (AspectRatio(rawValue: request.aspectRatio) ?? .wide).frameSize
            : AspectRatio.frameSize(ratio: request.aspectRatio, shortSide: ModelSpec.shortSide(of: resolution))
        return "\(frame.width)x\(frame.height)"
    }

    /// A stable code for a failure, from its reason.
    static func errorCode(_ reason: String?) -> String {
        let reason = reason?.lowercased() ?? ""
        if reason.contains("moderat") || reason.contains("not allowed") { return "content_moderated" }
        if reason.contains("deleted") { return "video_deleted" }
        if reason.contains("within") || reason.contains("time limit") { return "timed_out" }
        return "generation_failed"
    }
}
