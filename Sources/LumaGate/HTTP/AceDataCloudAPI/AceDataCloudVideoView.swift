import Foundation

/// Renders a task as AceDataCloud shows one: the video object (a waiting create's answer, a
/// callback's body, a task record's `response`) and the task record of `/luma/tasks`.
struct AceDataCloudVideoView {
    /// Turns a stored media path (or an upstream's absolute URL) into the JSON to show for it.
    let mediaURL: @Sendable (String) -> JSONValue

    /// `{success, task_id, video_id, prompt, video_url, video_width, video_height, state,
    /// thumbnail_url, …}` once finished; `{task_id, prompt, state}` before. `video_id` is the task
    /// id: the value `action: "extend"` takes.
    func video(_ task: VideoTask) -> JSONValue {
        var members: [(String, JSONValue)] = []
        switch task.state {
        case .completed: members.append(("success", .bool(true)))
        case .failed: members.append(("success", .bool(false)))
        case .pending, .processing: break
        }
        members.append(("task_id", .string(task.id)))
        if task.state == .completed { members.append(("video_id", .string(task.id))) }
        members.append(("prompt", .string(task.request.prompt)))
        if task.state == .completed, let media = task.media {
            if let video = media.video {
                members.append(("video_url", mediaURL(video.url)))
                if let height = video.height { members.append(("video_height", .int(height))) }
                if let width = video.width { members.append(("video_width", .int(width))) }
            } else if let image = media.image {
                members.append(("image_url", mediaURL(image.url)))
            }
        }
        members.append(("state", .string(task.state.rawValue)))
        if task.state == .completed, let thumbnail = task.media?.thumbnail {
            members.append(("thumbnail_url", mediaURL(thumbnail.url)))
            if let width = thumbnail.width { members.append(("thumbnail_width", .int(width))) }
            if let height = thumbnail.height { members.append(("thumbnail_height", .int(height))) }
        }
        if task.state == .failed {
            let message = task.failureReason ?? "The generation failed."
            members.append(("error", .object([("code", .string("api_error")), ("message", .string(message))])))
        }
        return .object(members)
    }

    /// `{id, created_at, started_at, finished_at, elapsed, request, response}`, times in Unix
    /// seconds; `started_at` once the task began, `finished_at` and `elapsed` once it ended,
    /// `response` once it began.
    func record(_ task: VideoTask, events: [TaskEvent]) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(task.id)),
            ("created_at", .double(Self.seconds(task.createdAtMillis))),
        ]
        let started = TaskEvent.startedAtMillis(events)
        if let started { members.append(("started_at", .double(Self.seconds(started)))) }
        if task.state.isTerminal {
            let finished = events.last { $0.toState.isTerminal }?.atMillis ?? task.updatedAtMillis
            members.append(("finished_at", .double(Self.seconds(finished))))
            members.append(("elapsed", .double(Self.seconds(finished - (started ?? task.createdAtMillis)))))
        }
        members.append(("request", request(task)))
        if task.state != .pending { members.append(("response", video(task))) }
        return .object(members)
    }

    private static func seconds(_ millis: Int64) -> Double { Double(millis) / 1000 }

    /// The body as the client sent it to this dialect; a task made through another face, as
    /// this dialect would have asked for it.
    private func request(_ task: VideoTask) -> JSONValue {
        if let origin = task.request.origin, origin.dialect == .aceDataCloud { return .raw(origin.body) }
        let request = task.request
        var members: [(String, JSONValue)] = [
            ("action", .string(task.parentID == nil ? "generate" : "extend")),
            ("prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
        ]
        if let parentID = task.parentID { members.append(("video_id", .string(parentID))) }
        if let image = request.image { members.append(("start_image_url", image.sourceURL.map(JSONValue.string) ?? mediaURL(image.storedPath))) }
        if let image = request.imageEnd { members.append(("end_image_url", image.sourceURL.map(JSONValue.string) ?? mediaURL(image.storedPath))) }
        members.append(("loop", .bool(request.loop ?? false)))
        if let model = request.officialModel { members.append(("model", .string(model))) }
        return .object(members)
    }
}
