import Foundation

/// The Agents API's create body (`POST /agents/v1/generations`), as `luma-agents` 0.5.0 sends it.
/// Every field is optional at decoding so that a missing one gets our own message; `validated`
/// applies Luma's rules: enums and ranges are a 400, fields that do not go together a 422.
struct AgentsGenerationBody: Decodable {
    /// One media reference: exactly one of `url`, `data` (with `media_type`), `generation_id`,
    /// `file_id`.
    struct ImageRef: Decodable {
        var url: String?
        var data: String?
        var media_type: String?
        var generation_id: String?
        var file_id: String?
    }

    /// Where a reframed video's source goes, as fractions of the new canvas.
    struct SourcePosition: Decodable {
        var x_norm: Double?
        var y_norm: Double?
        var w_norm: Double?
        var h_norm: Double?
    }

    /// A video edit's controls, and guide frames pinned to frames of the source.
    struct EditOptions: Decodable {
        var strength: String?
        var auto_controls: Bool?
        var controls: EditControls?
        var keyframes: [ImageRef]?
        var keyframe_indexes: [Int]?
    }

    struct LayeringOptions: Decodable {
        var resolution: String?
    }

    static let editStrengths = ["adhere_1", "adhere_2", "adhere_3", "flex_1", "flex_2", "flex_3", "reimagine_1", "reimagine_2", "reimagine_3"]

    struct VideoOptions: Decodable {
        var duration: String?
        var resolution: String?
        var loop: Bool?
        var hdr: Bool?
        var exr_export: Bool?
        var start_frame: ImageRef?
        var end_frame: ImageRef?
        var keyframes: [ImageRef]?
        var keyframe_indexes: [Int]?
        var source_position: SourcePosition?
        var edit: EditOptions?
    }

    var model: String?
    var type: String?
    var prompt: String?
    var aspect_ratio: String?
    var user_id: String?
    var style: String?
    var output_format: String?
    var web_search: Bool?
    var source: ImageRef?
    var image_ref: [ImageRef]?
    var video: VideoOptions?
    var layering: LayeringOptions?

    static let types = ["image", "image_edit", "video", "video_edit", "video_reframe", "layering"]
    static let aspectRatios = ["3:1", "2:1", "21:9", "16:9", "4:3", "3:2", "1:1", "3:4", "2:3", "9:16", "1:2", "1:3"]
    static let maxPromptLength = 6000
    static let maxKeyframes = 64
    static let maxLayeringPromptLength = 500
    static let layerResolutions = ["1k", "2k"]

    /// Where a frame comes from: an image to take in (a URL or data URI), one of the caller's
    /// files, or one of the caller's generations.
    enum Frame {
        case image(String)
        case file(String)
        case generation(String)
    }

    /// A valid request: what to make, and the frames (or the image to edit) still to be looked
    /// up or taken in.
    struct Validated {
        var request: GenerationRequest
        var start: Frame?
        var end: Frame?
        var source: Frame?
        /// Guide frames and the output frames they are pinned to (for a video edit, the source's).
        var keyframes: [(frame: Frame, index: Int)] = []
        /// Guidance images (`image_ref`).
        var references: [Frame] = []
        /// The result takes the frame of its source image (an image edit without `aspect_ratio`, a
        /// layering).
        var sourceSetsRatio = false
        /// A video_edit's or video_reframe's source given as a video (not one of the caller's generations).
        var sourceVideo: VideoIntake.Source?
    }

    func validated(models: ModelCatalogue) throws -> Validated {
        let (videoModels, imageModels) = (models.names(on: .agents, kind: .video), models.names(on: .agents, kind: .image))
        try FieldRules.check("model", model, in: videoModels + imageModels)
        try FieldRules.check("type", type, in: Self.types)
        try FieldRules.check("aspect_ratio", aspect_ratio, in: Self.aspectRatios)
        try FieldRules.check("style", style, in: ["auto", "manga"])
        try FieldRules.check("output_format", output_format, in: ["png", "jpeg"])
        let type = type ?? (model.map(videoModels.contains) == true ? "video" : "image")
        let makesVideo = type.hasPrefix("video")
        // The models of the type's kind that make it (every one makes plain videos or images).
        let makers = (makesVideo ? videoModels : imageModels).filter { name in
            GenerationRequest.Kind(rawValue: type).map { [.video, .image].contains($0) || models.spec(named: name)?.makes($0) == true } ?? true
        }
        guard let name = model ?? makers.first, let spec = models.spec(named: name), makers.contains(name) else {
            throw GatewayError.invalidCombination(
                "Field `model` \(model ?? "(none)") does not make type \(type): \(makesVideo ? "videos" : "images") of that type are made by \(makers.isEmpty ? "no model here" : makers.joined(separator: " or "))."
            )
        }
        if type == "layering" { return try validatedLayering(spec) }
        guard let prompt = prompt?.trimmingCharacters(in: .whitespacesAndNewlines), !prompt.isEmpty else {
            throw GatewayError.invalidRequest(self.prompt == nil ? "Field `prompt` is required." : "Field `prompt` must not be blank.")
        }
        try FieldRules.promptLength("prompt", prompt, max: Self.maxPromptLength)
        let edits = ["image_edit", "video_edit", "video_reframe"].contains(type)
        var sourceFrame: Frame?
        var sourceVideo: VideoIntake.Source?
        if edits, makesVideo, let source {
            (sourceFrame, sourceVideo) = try Self.videoReference(source)
        } else {
            sourceFrame = try source.map { try Self.frame($0, field: "source") }
        }
        if edits, sourceFrame == nil, sourceVideo == nil {
            throw GatewayError.invalidRequest("Field `source` is required for type \(type): the \(makesVideo ? "video" : "image") to change.")
        }
        if !edits, sourceFrame != nil {
            throw GatewayError.invalidCombination("Field `source` is for types image_edit, video_edit, video_reframe and layering.")
        }
        if layering != nil { throw GatewayError.invalidCombination("Field `layering` is for type layering.") }
        let aspectRatio = aspect_ratio ?? AspectRatio.wide.rawValue
        if !makesVideo {
            if video != nil { throw GatewayError.invalidCombination("Field `video` is for the video types.") }
            try FieldRules.check("aspect_ratio", aspectRatio, in: spec.aspectRatios, for: name)
            var request = GenerationRequest(
                prompt: prompt, aspectRatio: aspectRatio, model: name, kind: type == "image" ? .image : .imageEdit,
                imageFormat: output_format.map { $0 == "jpeg" ? "jpg" : $0 })
            request.webSearch = web_search
            request.style = style
            let maxReferences = type == "image" ? 9 : 8
            guard (image_ref ?? []).count <= maxReferences else {
                throw GatewayError.invalidRequest("Field `image_ref` holds at most \(maxReferences) images for type \(type).")
            }
            let references = try (image_ref ?? []).enumerated().map { try Self.frame($1, field: "image_ref[\($0)]") }
            return Validated(
                request: request, source: sourceFrame, references: references, sourceSetsRatio: type == "image_edit" && aspect_ratio == nil)
        }
        if web_search == true { throw GatewayError.invalidCombination("Field `web_search` is for images.") }
        if !(image_ref ?? []).isEmpty { throw GatewayError.invalidCombination("Field `image_ref` is for types image and image_edit.") }
        if output_format != nil { throw GatewayError.invalidCombination("Field `output_format` is for images.") }
        if type == "video" { return try validatedVideo(spec, prompt: prompt, aspectRatio: aspectRatio) }
        var change = try validatedChange(type, of: spec, prompt: prompt, source: sourceFrame)
        change.sourceVideo = sourceVideo
        return change
    }

    /// A video_edit or video_reframe of a source video: its own options only.
    private func validatedChange(_ type: String, of model: ModelSpec, prompt: String, source: Frame?) throws -> Validated {
        let options = video ?? VideoOptions()
        try FieldRules.check("video.resolution", options.resolution, in: model.resolutions)
        if let aspect_ratio, !model.aspectRatios.contains(aspect_ratio) {
            throw GatewayError.invalidCombination(
                "Field `aspect_ratio` must be one of \(FieldRules.list(model.aspectRatios)) for \(model.name) videos.")
        }
        if type == "video_reframe", aspect_ratio == nil {
            throw GatewayError.invalidRequest("Field `aspect_ratio` is required for type video_reframe: the new canvas.")
        }
        if options.duration != nil { throw GatewayError.invalidCombination("Field `video.duration` is the source's for a \(type); leave it out.") }
        let framed = [
            ("video.start_frame", options.start_frame != nil), ("video.end_frame", options.end_frame != nil),
            ("video.keyframes", options.keyframes != nil), ("video.loop", options.loop != nil),
        ]
        if let (field, _) = framed.first(where: \.1) { throw GatewayError.invalidCombination("Field `\(field)` is for type video.") }
        if type == "video_reframe", options.hdr == true {
            throw GatewayError.invalidCombination("Field `video.hdr` is not available for video_reframe.")
        }
        if options.exr_export == true, options.hdr != true {
            throw GatewayError.invalidCombination("Field `video.exr_export` needs `video.hdr` true.")
        }
        try Self.checkHDR(options.hdr, of: model)
        var request = GenerationRequest(
            prompt: prompt, aspectRatio: aspect_ratio ?? AspectRatio.wide.rawValue, model: model.name,
            resolution: options.resolution, kind: type == "video_edit" ? .videoEdit : .videoReframe, hdr: options.hdr, exrExport: options.exr_export)
        if type == "video_edit" {
            if options.source_position != nil { throw GatewayError.invalidCombination("Field `video.source_position` is for type video_reframe.") }
            if let edit = options.edit {
                try FieldRules.check("video.edit.strength", edit.strength, in: Self.editStrengths)
                try edit.controls?.validate(field: "video.edit.controls")
                request.editStrength = edit.strength
                request.autoControls = edit.auto_controls
                request.editControls = edit.controls
                if edit.keyframes != nil || edit.keyframe_indexes != nil {
                    // Pinned to frames of the source, whose length the service checks them against.
                    let keyframes = try Self.keyframes(edit.keyframes ?? [], edit.keyframe_indexes ?? [], field: "video.edit", framesPerClip: nil)
                    return Validated(request: request, source: source, keyframes: keyframes)
                }
            }
        } else {
            if options.edit != nil { throw GatewayError.invalidCombination("Field `video.edit` is for type video_edit.") }
            if let position = options.source_position {
                let values = [("x_norm", position.x_norm), ("y_norm", position.y_norm), ("w_norm", position.w_norm), ("h_norm", position.h_norm)]
                for (name, value) in values where value == nil {
                    throw GatewayError.invalidRequest("Field `video.source_position.\(name)` is required.")
                }
                let numbers = values.map { $0.1! }
                guard numbers[2] > 0, numbers[2] <= 2, numbers[3] > 0, numbers[3] <= 2, numbers[0] > -2, numbers[0] < 2, numbers[1] > -2,
                    numbers[1] < 2
                else {
                    throw GatewayError.invalidRequest(
                        "Field `video.source_position` must have `w_norm` and `h_norm` in (0, 2] and `x_norm`, `y_norm` in (-2, 2).")
                }
                request.sourcePosition = numbers
            }
        }
        return Validated(request: request, source: source)
    }

    private func validatedVideo(_ model: ModelSpec, prompt: String, aspectRatio: String) throws -> Validated {
        let options = video ?? VideoOptions()
        try FieldRules.check("video.duration", options.duration, in: model.durations)
        try FieldRules.check("video.resolution", options.resolution, in: model.resolutions)
        if !model.aspectRatios.contains(aspectRatio) {
            throw GatewayError.invalidCombination(
                "Field `aspect_ratio` must be one of \(FieldRules.list(model.aspectRatios)) for \(model.name) videos.")
        }
        let start = try options.start_frame.map { try Self.frame($0, field: "video.start_frame") }
        let end = try options.end_frame.map { try Self.frame($0, field: "video.end_frame") }
        let duration = options.duration ?? "5s"
        let framed = model.framedDurations.contains(duration)
        if options.loop == true, !model.loopDurations.contains(duration) || options.hdr == true {
            let longer = model.durations.filter { !model.loopDurations.contains($0) }
            throw GatewayError.invalidCombination(
                "Field `video.loop` cannot be used with \(longer.isEmpty ? "an" : "a \(longer.joined(separator: " or ")) or") HDR video.")
        }
        if options.exr_export == true, options.hdr != true {
            throw GatewayError.invalidCombination("Field `video.exr_export` needs `video.hdr` true.")
        }
        try Self.checkHDR(options.hdr, of: model)
        // Luma's HDR rule.
        if options.hdr == true,
            !["720p", "1080p"].contains(options.resolution ?? model.defaultResolution ?? ModelCatalogue.builtIn.defaults.resolution)
                || duration != "5s"
        {
            throw GatewayError.invalidCombination("Field `video.hdr` needs a 5s video at 720p or 1080p.")
        }
        if !framed, start != nil || end != nil {
            throw GatewayError.invalidCombination(
                "Fields `video.start_frame` and `video.end_frame` make \(model.framedDurations.joined(separator: " or ")) videos; leave out `video.duration` \(duration)."
            )
        }
        if options.edit != nil { throw GatewayError.invalidCombination("Field `video.edit` is for type video_edit.") }
        if options.source_position != nil { throw GatewayError.invalidCombination("Field `video.source_position` is for type video_reframe.") }
        var keyframes: [(frame: Frame, index: Int)] = []
        if options.keyframes != nil || options.keyframe_indexes != nil {
            keyframes = try checkKeyframes(options, framesPerClip: ModelSpec.seconds(duration) * SandboxRenderer.framesPerSecond)
        }
        let request = GenerationRequest(
            prompt: prompt, aspectRatio: aspectRatio, loop: options.loop, model: model.name,
            resolution: options.resolution, duration: options.duration, kind: .video, hdr: options.hdr, exrExport: options.exr_export)
        return Validated(request: request, start: start, end: end, keyframes: keyframes)
    }

    /// HDR (and its EXR) is for the models that make it.
    private static func checkHDR(_ hdr: Bool?, of model: ModelSpec) throws {
        if hdr == true, !model.understands("hdr") {
            throw GatewayError.invalidCombination("Field `video.hdr` is not available for \(model.name).")
        }
    }

    /// Keyframes as Luma checks them: neither start nor end frame nor loop beside them.
    private func checkKeyframes(_ options: VideoOptions, framesPerClip: Int) throws -> [(frame: Frame, index: Int)] {
        if options.start_frame != nil || options.end_frame != nil || options.loop == true {
            throw GatewayError.invalidCombination(
                "Field `video.keyframes` cannot be combined with `video.start_frame`, `video.end_frame` or `video.loop`.")
        }
        return try Self.keyframes(options.keyframes ?? [], options.keyframe_indexes ?? [], field: "video", framesPerClip: framesPerClip)
    }

    /// `<field>.keyframes` and `<field>.keyframe_indexes` as Luma checks them: 1-64 images (by
    /// URL, data or file) with as many unique indexes, within the clip when its length is known.
    private static func keyframes(
        _ keyframes: [ImageRef], _ indexes: [Int], field: String, framesPerClip: Int?
    ) throws -> [(
        frame: Frame, index: Int
    )] {
        guard (1...Self.maxKeyframes).contains(keyframes.count) else {
            throw GatewayError.invalidRequest("Field `\(field).keyframes` holds 1 to \(Self.maxKeyframes) references.")
        }
        guard indexes.count == keyframes.count else {
            throw GatewayError.invalidCombination("Field `\(field).keyframe_indexes` must have one index per keyframe (\(keyframes.count)).")
        }
        guard Set(indexes).count == indexes.count, indexes.allSatisfy({ $0 >= 0 && $0 <= (framesPerClip ?? Int.max) }) else {
            throw GatewayError.invalidCombination(
                "Field `\(field).keyframe_indexes` must be unique frame positions from 0\(framesPerClip.map { " to \($0)" } ?? "").")
        }
        return try zip(keyframes, indexes).enumerated().map { position, pair in
            let frame = try Self.frame(pair.0, field: "\(field).keyframes[\(position)]")
            if case .generation = frame {
                throw GatewayError.invalidRequest(
                    "Field `\(field).keyframes[\(position)]` must be an image (`url`, `data` or `file_id`), not a generation.")
            }
            return (frame, pair.1)
        }
    }

    /// A layering: a source image, an optional short prompt to guide the split, the layers'
    /// resolution; the layers take the source's frame and are PNGs (they carry transparency).
    private func validatedLayering(_ model: ModelSpec) throws -> Validated {
        guard let source else {
            throw GatewayError.invalidRequest("Field `source` is required for type layering: the image to split into layers.")
        }
        let prompt = prompt?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        try FieldRules.promptLength("prompt", prompt, max: Self.maxLayeringPromptLength)
        try FieldRules.check("layering.resolution", layering?.resolution, in: Self.layerResolutions)
        let others: [(String, Bool)] = [
            ("aspect_ratio", aspect_ratio != nil), ("image_ref", image_ref != nil), ("web_search", web_search != nil),
            ("output_format", output_format != nil), ("style", style != nil), ("video", video != nil),
        ]
        if let (field, _) = others.first(where: \.1) {
            throw GatewayError.invalidCombination("Field `\(field)` is not for type layering: its layers are PNGs in the frame of the source.")
        }
        var request = GenerationRequest(prompt: prompt, model: model.name, kind: .layering, imageFormat: "png")
        request.layerResolution = layering?.resolution ?? Self.layerResolutions[0]
        return Validated(request: request, source: try Self.frame(source, field: "source"), sourceSetsRatio: true)
    }

    /// What a video_edit's or video_reframe's `source` names: one of the caller's generations, or
    /// a video by `url` or `data` (with a video `media_type`, as Luma requires) or `file_id`.
    static func videoReference(_ reference: ImageRef) throws -> (Frame?, VideoIntake.Source?) {
        let given = [("url", reference.url), ("data", reference.data), ("generation_id", reference.generation_id), ("file_id", reference.file_id)]
            .filter { $0.1 != nil }
        guard given.count == 1, let (name, value) = given.first, let value else {
            throw GatewayError.invalidRequest("Field `source` must have exactly one of `url`, `data`, `generation_id` and `file_id`.")
        }
        if name == "generation_id" || name == "file_id" {
            return name == "file_id" ? (nil, .file(value)) : (try frame(reference, field: "source"), nil)
        }
        guard let mediaType = reference.media_type else {
            throw GatewayError.invalidRequest("Field `source.media_type` is required with `\(name)`: the video's type.")
        }
        guard VideoIntake.mediaTypes.contains(mediaType) else {
            throw GatewayError.invalidRequest(
                "Field `source.media_type` must be \(FieldRules.spoken(VideoIntake.mediaTypes)): the source is a video.")
        }
        return (nil, name == "url" ? .url(value) : .base64(value))
    }

    /// What one ImageRef names, checked: exactly one source, `media_type` with `data`.
    static func frame(_ reference: ImageRef, field: String) throws -> Frame {
        let given = [("url", reference.url), ("data", reference.data), ("generation_id", reference.generation_id), ("file_id", reference.file_id)]
            .filter { $0.1 != nil }
        guard given.count == 1, let (name, value) = given.first, let value else {
            throw GatewayError.invalidRequest("Field `\(field)` must have exactly one of `url`, `data`, `generation_id` and `file_id`.")
        }
        switch name {
        case "url":
            guard FieldRules.isHTTPURL(value) else { throw GatewayError.invalidRequest("Field `\(field).url` must be an http(s) URL.") }
            try FieldRules.urlLength("\(field).url", value)
            return .image(value)
        case "data":
            guard let mediaType = reference.media_type else {
                throw GatewayError.invalidRequest("Field `\(field).media_type` is required with `data`.")
            }
            guard ["image/png", "image/jpeg", "image/webp"].contains(mediaType) else {
                throw GatewayError.invalidRequest("Field `\(field).media_type` must be image/png, image/jpeg or image/webp.")
            }
            return .image("data:\(mediaType);base64,\(value)")
        case "generation_id":
            guard UUID(uuidString: value) != nil else {
                throw GatewayError.invalidRequest("Field `\(field).generation_id` must be a generation id (a UUID).")
            }
            return .generation(value.lowercased())
        default:
            return .file(value)
        }
    }
}
