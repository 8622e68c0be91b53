/// Renders a task as Luma's official Generation object. Keys the gateway has no value for are
/// left out rather than written as null: the official schema types them as strings and objects,
/// and clients validating against it (and Luma's SDKs) accept a missing key.
struct DreamMachineGenerationView {
    static let defaultDuration = "5s"

    /// Turns a stored media path (or an upstream's absolute URL) into the JSON to show for it.
    let mediaURL: @Sendable (String) -> JSONValue

    func render(_ task: VideoTask) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(task.id)),
            ("generation_type", .string(task.request.producesImage ? "image" : "video")),
            ("state", .string(Self.state(task.state))),
        ]
        if task.state == .failed {
            members.append(("failure_reason", .string(task.failureReason ?? "The generation failed.")))
        }
        members += [
            ("created_at", .string(RFC3339.timestamp(task.createdAtMillis))),
            ("assets", assets(task)),
        ]
        if let model = task.request.officialModel { members.append(("model", .string(model))) }
        members.append(("request", request(task)))
        if task.state == .completed, let expired = task.media?.expiredAtMillis {
            members.append(("media_expired_at", .string(RFC3339.timestamp(expired))))
        }
        return .object(members)
    }

    /// The official state for each of the gateway's.
    static func state(_ state: TaskState) -> String {
        switch state {
        case .pending: "queued"
        case .processing: "dreaming"
        case .completed: "completed"
        case .failed: "failed"
        }
    }

    private func request(_ task: VideoTask) -> JSONValue {
        switch task.request.kind ?? .video {
        case .video, .videoEdit, .videoReframe: videoRequest(task)
        case .image, .imageEdit, .layering: imageRequest(task.request)
        default: task.request.relayedBody.map(JSONValue.raw) ?? .object([])
        }
    }

    private func assets(_ task: VideoTask) -> JSONValue {
        guard task.state == .completed, let media = task.media else { return .object([]) }
        var members: [(String, JSONValue)] = []
        if let video = media.video { members.append(("video", mediaURL(video.url))) }
        if let image = media.image ?? media.thumbnail { members.append(("image", mediaURL(image.url))) }
        return .object(members)
    }

    private func videoRequest(_ task: VideoTask) -> JSONValue {
        let request = task.request
        var members: [(String, JSONValue)] = [
            ("generation_type", .string("video")),
            ("prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
            ("loop", .bool(request.loop ?? false)),
        ]
        var keyframes: [(String, JSONValue)] = []
        if let parentID = task.parentID {
            keyframes.append(("frame0", Self.generationKeyframe(parentID)))
        } else if let image = request.image {
            keyframes.append(("frame0", imageKeyframe(image)))
        }
        if let endID = request.endGenerationID {
            keyframes.append(("frame1", Self.generationKeyframe(endID)))
        } else if let image = request.imageEnd {
            keyframes.append(("frame1", imageKeyframe(image)))
        }
        if !keyframes.isEmpty { members.append(("keyframes", .object(keyframes))) }
        if let url = request.callbackURL { members.append(("callback_url", .string(url))) }
        members.append(("model", .string(request.officialModel ?? ModelCatalogue.builtIn.defaults.video)))
        if let resolution = request.resolution { members.append(("resolution", .string(resolution))) }
        members.append(("duration", .string(request.duration ?? Self.defaultDuration)))
        if let concepts = request.concepts, !concepts.isEmpty {
            members.append(("concepts", .array(concepts.map { .object([("key", .string($0))]) })))
        }
        return .object(members)
    }

    private func imageRequest(_ request: GenerationRequest) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("generation_type", .string("image")),
            ("model", .string(request.officialModel ?? ModelCatalogue.builtIn.defaults.image)),
            ("prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
            ("format", .string(request.imageFormat ?? GenerationRequest.defaultImageFormat)),
        ]
        if let url = request.callbackURL { members.append(("callback_url", .string(url))) }
        return .object(members)
    }

    private static func generationKeyframe(_ id: String) -> JSONValue {
        .object([("type", .string("generation")), ("id", .string(id))])
    }

    private func imageKeyframe(_ image: ImageReference) -> JSONValue {
        .object([("type", .string("image")), ("url", image.sourceURL.map(JSONValue.string) ?? mediaURL(image.storedPath))])
    }
}
