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
        let video = media.map(videoObject) ?? .null
        let thumbnail = media?.thumbnail.map(imageObject) ?? .null
        let videoRaw = media.map(videoRawObject) ?? .null
        let lastFrame = media?.lastFrame.map(imageObject) ?? .null
        let artifact: JSONValue = media.map { media in
            .object([
                ("video", video),
                ("thumbnail", thumbnail),
                ("video_raw", videoRaw),
                ("created_at", .string(Self.timestamp(media.createdAtMillis))),
                ("last_frame", lastFrame),
            ])
        } ?? .null
        return .object([
            ("id", .string(task.id)),
            ("state", .string(task.state.rawValue)),
            ("video", video),
            ("request", requestObject(task.request)),
            ("artifact", artifact),
            ("thumbnail", thumbnail),
            ("video_raw", videoRaw),
            ("created_at", .string(Self.timestamp(task.createdAtMillis))),
            ("last_frame", lastFrame),
            ("failure_reason", .optional(task.state == .failed ? task.failureReason : nil)),
            ("prompt", .string(task.request.prompt)),
            ("liked", .null),
            ("estimate_wait_seconds", .null),
        ])
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

    private func videoObject(_ media: TaskMedia) -> JSONValue {
        .object([
            ("url", mediaURL(media.video.url)),
            ("width", .optional(media.video.width)),
            ("height", .optional(media.video.height)),
            ("download_url", mediaURL(media.video.downloadURL)),
        ])
    }

    private func videoRawObject(_ media: TaskMedia) -> JSONValue {
        .object([
            ("url", mediaURL(media.video.url)),
            ("width", .optional(media.video.width)),
            ("height", .optional(media.video.height)),
            ("duration", .optional(media.video.duration)),
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

    /// RFC 3339 in UTC with milliseconds, e.g. 2024-12-24T18:01:25.319Z.
    static func timestamp(_ millis: Int64) -> String {
        let (seconds, fraction) = millis.quotientAndRemainder(dividingBy: 1000)
        var time = time_t(fraction < 0 ? seconds - 1 : seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var text = ""
        text.reserveCapacity(24)
        func append(_ value: Int, digits: Int) {
            let string = String(value)
            text += String(repeating: "0", count: max(0, digits - string.count)) + string
        }
        append(Int(parts.tm_year) + 1900, digits: 4)
        text += "-"
        append(Int(parts.tm_mon) + 1, digits: 2)
        text += "-"
        append(Int(parts.tm_mday), digits: 2)
        text += "T"
        append(Int(parts.tm_hour), digits: 2)
        text += ":"
        append(Int(parts.tm_min), digits: 2)
        text += ":"
        append(Int(parts.tm_sec), digits: 2)
        text += "."
        append(Int(fraction < 0 ? fraction + 1000 : fraction), digits: 3)
        return text + "Z"
    }
}
