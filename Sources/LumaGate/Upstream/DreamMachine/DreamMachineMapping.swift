import Foundation

/// Pure translation between the gateway's tasks and Luma's official API (no I/O, so every case
/// is tested on fixtures).
public enum DreamMachineMapping {
    /// The official request for a video `task`. Images are passed by URL (`imageURL` says which),
    /// generations it opens on or leads into by their upstream ids. `expand_prompt` has no
    /// official counterpart.
    static func requestBody(
        for task: VideoTask, parentUpstreamID: String?, endUpstreamID: String? = nil,
        imageURL: (ImageReference) -> String, callbackURL: String?
    ) -> JSONValue {
        let request = task.request
        var body: [(String, JSONValue)] = [
            ("generation_type", .string("video")),
            ("prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
            ("model", .string(request.officialModel ?? ModelCatalogue.builtIn.defaults.video)),
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
        if let endUpstreamID {
            keyframes.append(("frame1", .object([("type", .string("generation")), ("id", .string(endUpstreamID))])))
        } else if let image = request.imageEnd {
            keyframes.append(("frame1", .object([("type", .string("image")), ("url", .string(imageURL(image)))])))
        }
        if !keyframes.isEmpty { body.append(("keyframes", .object(keyframes))) }
        if let concepts = request.concepts, !concepts.isEmpty {
            body.append(("concepts", .array(concepts.map { .object([("key", .string($0))]) })))
        }
        if let callbackURL { body.append(("callback_url", .string(callbackURL))) }
        return .object(body)
    }

    /// The official request for an image `task`.
    static func imageRequestBody(for task: VideoTask, callbackURL: String?) -> JSONValue {
        var body: [(String, JSONValue)] = [
            ("generation_type", .string("image")),
            ("model", .string(task.request.officialModel ?? ModelCatalogue.builtIn.defaults.image)),
            ("prompt", .string(task.request.prompt)),
            ("aspect_ratio", .string(task.request.aspectRatio)),
        ]
        if let format = task.request.imageFormat { body.append(("format", .string(format))) }
        if let callbackURL { body.append(("callback_url", .string(callbackURL))) }
        return .object(body)
    }

    /// Where an operation relayed as the client sent it is posted; nil when it acts on a
    /// generation the upstream has no id for.
    static func operationPath(_ kind: GenerationRequest.Kind, sourceUpstreamID: String?) -> String? {
        switch kind {
        case .upscaleVideo: sourceUpstreamID.map { "/generations/\($0)/upscale" }
        case .addAudio: sourceUpstreamID.map { "/generations/\($0)/audio" }
        case .modifyVideo: "/generations/video/modify"
        case .reframeVideo: "/generations/video/reframe"
        case .reframeImage: "/generations/image/reframe"
        case .video, .image, .imageEdit, .videoEdit, .videoReframe, .layering: nil
        }
    }

    /// A relayed operation's body: the client's, with the gateway's callback URL in place of the
    /// client's own (the gateway calls the client itself).
    static func relayedBody(for task: VideoTask, callbackURL: String?) throws -> [UInt8] {
        guard let text = task.request.relayedBody,
            var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else {
            throw UpstreamError.rejected("the stored request of this operation is unreadable")
        }
        object["callback_url"] = callbackURL
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    static func generation(from data: Data) throws -> DreamMachineGeneration {
        do {
            return try JSONDecoder().decode(DreamMachineGeneration.self, from: data)
        } catch {
            throw UpstreamError.undecodable("not a Generation object")
        }
    }

    /// Where a generation stands, in the gateway's terms. A completed generation is reported with
    /// its asset URLs (a video's, or an image generation's picture); reading their sizes is the
    /// inspector's work.
    enum Progress: Equatable {
        case queued
        case dreaming
        case completed(video: String?, image: String?)
        case failed(reason: String)
    }

    /// `expectsImage`: the generation makes a picture, and is finished once it has one.
    static func progress(of generation: DreamMachineGeneration, expectsImage: Bool = false) throws -> Progress {
        switch generation.state {
        case "queued": return .queued
        case "dreaming": return .dreaming
        case "completed":
            let video = generation.assets?.video.flatMap { $0.isEmpty ? nil : $0 }
            let image = generation.assets?.image.flatMap { $0.isEmpty ? nil : $0 }
            let finished = expectsImage ? image != nil : video != nil
            // Seen briefly while assets are attached: not finished for a client yet.
            guard finished else { return .dreaming }
            return .completed(video: video, image: image)
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
    /// The Agents API may send a list of field errors instead (`[{"loc": [...], "msg": ...}]`).
    static func errorDetail(from data: Data) -> String? {
        struct ErrorBody: Decodable { var detail: String? }
        if let detail = try? JSONDecoder().decode(ErrorBody.self, from: data).detail, !detail.isEmpty { return detail }
        struct FieldError: Decodable {
            var loc: [JSONScalar]?
            var msg: String
        }
        struct FieldErrors: Decodable { var detail: [FieldError] }
        guard let errors = try? JSONDecoder().decode(FieldErrors.self, from: data).detail, !errors.isEmpty else { return nil }
        return errors.map { error in
            let field = (error.loc ?? []).dropFirst().map(\.text).joined(separator: ".")
            return field.isEmpty ? error.msg : "`\(field)`: \(error.msg)"
        }.joined(separator: "; ")
    }

    /// A string or a number in a field error's location.
    struct JSONScalar: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            text = (try? container.decode(String.self)) ?? (try? container.decode(Int.self)).map(String.init) ?? "?"
        }
    }
}
