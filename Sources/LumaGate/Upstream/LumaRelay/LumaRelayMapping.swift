import Foundation

/// Pure translation between the gateway's tasks and another relay's format (no I/O, so every case
/// is tested on fixtures).
enum LumaRelayMapping {
    /// The submit (or extend) body for `task`; images go by URL (`imageURL` says which).
    static func requestBody(for task: VideoTask, imageURL: (ImageReference) -> String) -> JSONValue {
        let request = task.request
        var body: [(String, JSONValue)] = [
            ("user_prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
        ]
        if let value = request.expandPrompt { body.append(("expand_prompt", .bool(value))) }
        if let value = request.loop { body.append(("loop", .bool(value))) }
        if let image = request.image { body.append(("image_url", .string(imageURL(image)))) }
        if let image = request.imageEnd { body.append(("image_end_url", .string(imageURL(image)))) }
        if let model = request.model { body.append(("model_name", .string(ModelCatalogue.builtIn.relayName(model)))) }
        if let value = request.resolution { body.append(("resolution", .string(value))) }
        if let value = request.duration { body.append(("duration", .string(value))) }
        return .object(body)
    }

    static func task(from data: Data) throws -> LumaRelayTask {
        do {
            return try JSONDecoder().decode(LumaRelayTask.self, from: data)
        } catch {
            throw UpstreamError.undecodable("not a relay task object")
        }
    }

    static func tasks(from data: Data) throws -> [LumaRelayTask] {
        do {
            return try JSONDecoder().decode([LumaRelayTask].self, from: data)
        } catch {
            throw UpstreamError.undecodable("not an array of relay task objects")
        }
    }

    /// Where the task stands. A completed task carries its media, sizes included, as the relay
    /// reported them.
    static func snapshot(of task: LumaRelayTask, at millis: Int64) throws -> UpstreamSnapshot {
        switch task.state {
        case "pending": return .queued
        case "processing": return .dreaming
        case "completed":
            guard let url = task.video?.url, let download = task.video?.download_url else { return .dreaming }
            return .completed(
                TaskMedia(
                    video: .init(
                        url: url, downloadURL: download, width: task.video?.width, height: task.video?.height,
                        duration: task.video_raw?.duration),
                    thumbnail: task.thumbnail.flatMap(image), lastFrame: task.last_frame.flatMap(image), createdAtMillis: millis))
        case "failed":
            let reason = task.failure_reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return .failed(reason: reason.isEmpty ? "The upstream could not generate this video and gave no reason." : reason)
        default:
            throw UpstreamError.undecodable("unknown state \"\(task.state)\"")
        }
    }

    private static func image(_ image: LumaRelayTask.Image) -> TaskMedia.Image? {
        image.url.map { TaskMedia.Image(url: $0, width: image.width, height: image.height, paletteGrid: image.palette?.grid) }
    }
}
