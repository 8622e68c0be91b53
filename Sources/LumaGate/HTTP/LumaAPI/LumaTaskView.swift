import Foundation

/// Renders a task as the relay format's task object: the seed's keys, in the seed's order,
/// always present, null where not known; plus `prompt`, `liked` and `estimate_wait_seconds`,
/// which older clients read.
struct LumaTaskView {
    /// Turns a stored media path (or an upstream's absolute URL) into the JSON to show for it.
    let mediaURL: @Sendable (String) -> JSONValue

    func render(_ task: VideoTask) -> JSONValue {
        // `completed` is only ever stored with media; the guard keeps the rule visible here too.
        let media = task.state == .completed ? task.media : nil
        let video = media?.video.map(videoObject) ?? .null
        let thumbnail = media?.thumbnail.map(imageObject) ?? .null
        let videoRaw = media?.video.map(videoRawObject) ?? .null
        let lastFrame = media?.lastFrame.map(imageObject) ?? .null
        let artifact: JSONValue =
            media.map { media in
                .object([
                    ("video", video),
                    ("thumbnail", thumbnail),
                    ("video_raw", videoRaw),
                    ("created_at", .string(RFC3339.timestamp(media.createdAtMillis))),
                    ("last_frame", lastFrame),
                ])
            } ?? .null
        var members: [(String, JSONValue)] = [
            ("id", .string(task.id)),
            ("state", .string(task.state.rawValue)),
            ("video", video),
            ("request", requestObject(task.request)),
            ("artifact", artifact),
            ("thumbnail", thumbnail),
            ("video_raw", videoRaw),
            ("created_at", .string(RFC3339.timestamp(task.createdAtMillis))),
            ("last_frame", lastFrame),
            ("failure_reason", .optional(task.state == .failed ? task.failureReason : nil)),
            ("prompt", .string(task.request.prompt)),
            ("liked", .null),
            ("estimate_wait_seconds", .null),
        ]
        // A task whose files the gateway deleted (its media retention) says so beside its nulls.
        if let expired = media?.expiredAtMillis { members.append(("media_expired_at", .string(RFC3339.timestamp(expired)))) }
        return .object(members)
    }

    private func requestObject(_ request: GenerationRequest) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
        ]
        if let value = request.expandPrompt { members.append(("expand_prompt", .bool(value))) }
        if let value = request.loop { members.append(("loop", .bool(value))) }
        if let image = request.image { members.append(("image_url", imageURL(image))) }
        if let image = request.imageEnd { members.append(("image_end_url", imageURL(image))) }
        if let value = request.model { members.append(("model_name", .string(value))) }
        if let value = request.resolution { members.append(("resolution", .string(value))) }
        if let value = request.duration { members.append(("duration", .string(value))) }
        return .object(members)
    }

    private func imageURL(_ image: ImageReference) -> JSONValue {
        image.sourceURL.map(JSONValue.string) ?? mediaURL(image.storedPath)
    }

    private func videoObject(_ video: TaskMedia.Video) -> JSONValue {
        .object([
            ("url", mediaURL(video.url)),
            ("width", .optional(video.width)),
            ("height", .optional(video.height)),
            ("download_url", mediaURL(video.downloadURL)),
        ])
    }

    private func videoRawObject(_ video: TaskMedia.Video) -> JSONValue {
        .object([
            ("url", mediaURL(video.url)),
            ("width", .optional(video.width)),
            ("height", .optional(video.height)),
            ("duration", .optional(video.duration)),
            ("media_type", .string("video")),
        ])
    }

    private func imageObject(_ image: TaskMedia.Image) -> JSONValue {
        .object([
            ("url", mediaURL(image.url)),
            ("width", .optional(image.width)),
            ("height", .optional(image.height)),
            ("palette", image.paletteGrid.map { .object([("grid", .string($0))]) } ?? .null),
            ("media_type", .string("image")),
        ])
    }
}
