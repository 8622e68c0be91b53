import Foundation

/// Pure translation between the gateway's tasks and Luma's Agents API (no I/O, so every case is
/// tested on fixtures).
enum LumaAgentsMapping {
    /// An image the gateway holds, as the Agents API takes it inline: base64 with its type.
    struct InlineImage {
        var base64: String
        var mediaType: String
    }

    /// The create body for a ray-3.2 video `task`. Images go inline (so Luma needs no way to reach
    /// the gateway); a generation it opens on (an extension) or leads into goes by its upstream id.
    /// `userID` tells Luma which of the operator's clients asked, for its abuse handling.
    static func videoBody(
        for task: VideoTask, parentUpstreamID: String?, endUpstreamID: String?, userID: String,
        image: (ImageReference) throws -> InlineImage
    ) throws -> JSONValue {
        let request = task.request
        var video: [(String, JSONValue)] = [
            ("duration", .string(request.duration ?? "5s")),
            ("resolution", .string(request.resolution ?? ModelCatalogue.builtIn.defaults.resolution)),
        ]
        if let loop = request.loop { video.append(("loop", .bool(loop))) }
        if let hdr = request.hdr { video.append(("hdr", .bool(hdr))) }
        if let exrExport = request.exrExport { video.append(("exr_export", .bool(exrExport))) }
        if let parentUpstreamID {
            video.append(("start_frame", .object([("generation_id", .string(parentUpstreamID))])))
        } else if let first = request.image {
            video.append(("start_frame", try imageRef(image(first))))
        }
        if let endUpstreamID {
            video.append(("end_frame", .object([("generation_id", .string(endUpstreamID))])))
        } else if let last = request.imageEnd {
            video.append(("end_frame", try imageRef(image(last))))
        }
        if let keyframes = request.keyframes, !keyframes.isEmpty {
            video.append(("keyframes", .array(try keyframes.map { try imageRef(image($0.image)) })))
            video.append(("keyframe_indexes", .array(keyframes.map { .int($0.index) })))
        }
        return .object([
            ("model", .string(request.officialModel ?? "")),
            ("type", .string("video")),
            ("prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
            ("user_id", .string(userID)),
            ("video", .object(video)),
        ])
    }

    /// The create body for a video_edit or video_reframe `task` of `source`: the generation Luma
    /// knows by that id, or a video the client sent (inline); an edit's guide frames go inline.
    static func changeBody(
        for task: VideoTask, source: ChangeSource, userID: String, image: (ImageReference) throws -> InlineImage
    ) throws -> JSONValue {
        let request = task.request
        var video: [(String, JSONValue)] = [("resolution", .string(request.resolution ?? ModelCatalogue.builtIn.defaults.resolution))]
        if let hdr = request.hdr { video.append(("hdr", .bool(hdr))) }
        if let exrExport = request.exrExport { video.append(("exr_export", .bool(exrExport))) }
        if request.kind == .videoEdit {
            var edit: [(String, JSONValue)] = []
            if let strength = request.editStrength { edit.append(("strength", .string(strength))) }
            if let auto = request.autoControls { edit.append(("auto_controls", .bool(auto))) }
            if let controls = request.editControls { edit.append(("controls", .raw(controls.json))) }
            if let keyframes = request.keyframes, !keyframes.isEmpty {
                edit.append(("keyframes", .array(try keyframes.map { try imageRef(image($0.image)) })))
                edit.append(("keyframe_indexes", .array(keyframes.map { .int($0.index) })))
            }
            if !edit.isEmpty { video.append(("edit", .object(edit))) }
        }
        if let position = request.sourcePosition, position.count == 4 {
            video.append(("source_position", .object(zip(["x_norm", "y_norm", "w_norm", "h_norm"], position).map { ($0, .double($1)) })))
        }
        return .object([
            ("model", .string(request.officialModel ?? "")),
            ("type", .string(request.kind?.rawValue ?? "video_edit")),
            ("prompt", .string(request.prompt)),
            ("aspect_ratio", .string(request.aspectRatio)),
            ("user_id", .string(userID)),
            ("source", source.reference),
            ("video", .object(video)),
        ])
    }

    /// The create body for a uni-1 image `task`: an edit or a layering sends its source inline,
    /// guidance images go inline too.
    static func imageBody(for task: VideoTask, userID: String, image: (ImageReference) throws -> InlineImage) throws -> JSONValue {
        let request = task.request
        let kind = request.kind ?? .image
        var body: [(String, JSONValue)] = [
            ("model", .string(request.officialModel ?? "")),
            ("type", .string(kind.rawValue)),
            ("prompt", .string(request.prompt)),
        ]
        if kind == .layering {
            body.append(("layering", .object([("resolution", .string(request.layerResolution ?? "1k"))])))
        } else {
            body.append(("aspect_ratio", .string(request.aspectRatio)))
        }
        body.append(("user_id", .string(userID)))
        if kind != .layering, let format = request.imageFormat { body.append(("output_format", .string(format == "jpg" ? "jpeg" : format))) }
        if kind != .image, let source = request.image { body.append(("source", try imageRef(image(source)))) }
        if let references = request.references, !references.isEmpty {
            body.append(("image_ref", .array(try references.map { try imageRef(image($0)) })))
        }
        if let webSearch = request.webSearch { body.append(("web_search", .bool(webSearch))) }
        if let style = request.style { body.append(("style", .string(style))) }
        return .object(body)
    }

    private static func imageRef(_ image: InlineImage) -> JSONValue {
        .object([("data", .string(image.base64)), ("media_type", .string(image.mediaType))])
    }

    /// What a video_edit or video_reframe changes, as Luma is told.
    enum ChangeSource {
        case generation(upstreamID: String)
        /// An MP4's bytes, base64.
        case video(base64: String)

        var reference: JSONValue {
            switch self {
            case .generation(let id): .object([("generation_id", .string(id))])
            case .video(let base64): .object([("data", .string(base64)), ("media_type", .string("video/mp4"))])
            }
        }
    }

    static func generation(from data: Data) throws -> LumaAgentsGeneration {
        do {
            return try JSONDecoder().decode(LumaAgentsGeneration.self, from: data)
        } catch {
            throw UpstreamError.undecodable("not a Generation object")
        }
    }

    /// Where a generation stands; a completed one with the URL of its output of `type` and the
    /// other files made alongside it.
    enum Progress: Equatable {
        case queued
        case processing
        case completed(output: LumaAgentsGeneration.Output, extras: [LumaAgentsGeneration.Output])
        case failed(reason: String)
    }

    static func progress(of generation: LumaAgentsGeneration, expecting type: String = "video") throws -> Progress {
        switch generation.state {
        case "queued": return .queued
        case "processing": return .processing
        case "completed":
            let outputs = generation.output ?? []
            guard let main = outputs.firstIndex(where: { $0.type == type }) ?? outputs.indices.first else {
                return .failed(reason: failureSentence(code: "output_not_found", reason: "the completed generation has no output"))
            }
            var extras = outputs
            extras.remove(at: main)
            return .completed(output: outputs[main], extras: extras)
        case "failed":
            return .failed(reason: failureSentence(code: generation.failure_code, reason: generation.failure_reason))
        default:
            throw UpstreamError.undecodable("unknown state \"\(generation.state)\"")
        }
    }

    /// Every `failure_code` Luma documents.
    static let failureCodes = [
        "content_moderated", "generation_failed", "budget_exhausted", "output_not_found", "image_too_large",
        "unsupported_format", "corrupt_input", "invalid_request", "rate_limited",
    ]

    /// The code a failure reason was written from (`failureSentence` names it), so the Agents
    /// face shows Luma's own code without the gateway storing it apart; `generation_failed` for a
    /// reason of any other origin.
    static func failureCode(of reason: String) -> String {
        if reason.contains("content moderation") { return "content_moderated" }
        if reason.hasPrefix("Luma refused this request as invalid") { return "invalid_request" }
        return failureCodes.first { reason.contains("(\($0))") } ?? "generation_failed"
    }

    /// Luma's `failure_code` and reason in words a client can act on.
    static func failureSentence(code: String?, reason: String?) -> String {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let detail = reason.isEmpty ? "" : ": \(reason)"
        switch code {
        case "content_moderated":
            return "Luma's content moderation refused this request\(detail). Change the prompt or image and submit again."
        case "budget_exhausted", "rate_limited":
            return "Luma could not take this generation now (\(code!))\(detail). Submit it again later."
        case "image_too_large", "unsupported_format", "corrupt_input":
            return "Luma could not read an input image (\(code!))\(detail). Send a PNG, JPEG or WebP image and submit again."
        case "invalid_request":
            return "Luma refused this request as invalid\(detail)."
        case let code?:
            return "Luma could not generate this video (\(code))\(detail)."
        case nil:
            return "Luma could not generate this video\(detail.isEmpty ? " and gave no reason; try again or change the prompt" : detail)."
        }
    }
}
