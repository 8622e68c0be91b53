import Foundation

/// Pure translation between the gateway's tasks and Luma's official API (no I/O, so every case
/// is tested on fixtures).
public enum DreamMachineMapping {
    /// Relay-format model names and the official ones they stand for.
    static let models = ["ray-v1": "ray-1-6", "ray-v2": "ray-2", "ray-flash-v2": "ray-flash-2"]

    /// The official request for `task`. Images are passed by URL (`imageURL` says which), an
    /// extension by its parent's upstream id. `expand_prompt` has no official counterpart.
    static func requestBody(
        for task: VideoTask, parentUpstreamID: String?, defaultModel: String,
        imageURL: (ImageReference) -> String, callbackURL: String?
    ) -> JSONValue {
        let request = task.request
        var body: [(String, JSONValue)] = [
            ("generation_type", .string("video")),
            ("prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
            ("model", .string(request.model.map { models[$0] ?? $0 } ?? defaultModel)),
        ]
        if let loop = request.loop { body.append(("loop", .bool(loop))) }
        if let resolution = request.resolution { body.append(("resolution", .string(resolution))) }
        if let duration = request.duration { body.append(("duration", .string(duration))) }
        var keyframes: [(String, JSONValue)] = []
        if let parentUpstreamID {
            keyframes.append(("frame0", .object([("type", .string("generation")), ("id", .string(parentUpstreamID))])))
        } else if let image = request.image {
            keyframes.append(("frame0", .object([("type", .string("image")), ("url", .string(imageURL(image)))])))
        }
        if let image = request.imageEnd {
            keyframes.append(("frame1", .object([("type", .string("image")), ("url", .string(imageURL(image)))])))
        }
        if !keyframes.isEmpty { body.append(("keyframes", .object(keyframes))) }
        if let callbackURL { body.append(("callback_url", .string(callbackURL))) }
        return .object(body)
    }

    static func generation(from data: Data) throws -> DreamMachineGeneration {
        do {
            return try JSONDecoder().decode(DreamMachineGeneration.self, from: data)
        } catch {
            throw UpstreamError.undecodable("not a Generation object")
        }
    }

    /// Where a generation stands, in the gateway's terms. A completed generation is reported with
    /// its asset URLs; reading their sizes is the inspector's work.
    enum Progress: Equatable {
        case queued
        case dreaming
        case completed(video: String, image: String?)
        case failed(reason: String)
    }

    static func progress(of generation: DreamMachineGeneration) throws -> Progress {
        switch generation.state {
        case "queued": return .queued
        case "dreaming": return .dreaming
        case "completed":
            guard let video = generation.assets?.video, !video.isEmpty else {
                // Seen briefly while assets are attached: not finished for a client yet.
                return .dreaming
            }
            return .completed(video: video, image: generation.assets?.image)
        case "failed":
            return .failed(reason: failureSentence(generation.failure_reason))
        default:
            throw UpstreamError.undecodable("unknown state \"\(generation.state)\"")
        }
    }

    /// Luma's reason in words a client can act on; moderation refusals say so.
    static func failureSentence(_ reason: String?) -> String {
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else {
            return "Luma could not generate this video and gave no reason; try again or change the prompt."
        }
        let lowered = reason.lowercased()
        if ["moderation", "policy", "blocked", "nsfw", "safety", "inappropriate"].contains(where: lowered.contains) {
            return "Luma's content moderation refused this request: \(reason). Change the prompt or image and submit again."
        }
        return "Luma could not generate this video: \(reason)"
    }

    /// The reason in an official error body (`{"detail": ...}`), if there is one.
    static func errorDetail(from data: Data) -> String? {
        struct ErrorBody: Decodable { var detail: String? }
        if let detail = try? JSONDecoder().decode(ErrorBody.self, from: data).detail, !detail.isEmpty { return detail }
        return nil
    }
}
