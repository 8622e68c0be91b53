import Foundation

/// PiAPI's `POST /api/v1/task` body for its `luma` model. Every field is optional at decoding so
/// a missing one gets our own message; `validated` applies the rules. Both of PiAPI's input
/// schemas are read: `model_name` with `key_frames`, and the later `model` with `start_image` /
/// `end_image`.
struct PiAPITaskBody: Decodable {
    struct Frame: Decodable {
        var type: String?
        var url: String?
        var id: String?
    }

    struct KeyFrames: Decodable {
        var frame0: Frame?
        var frame1: Frame?
    }

    struct Input: Decodable {
        var prompt: String?
        var key_frames: KeyFrames?
        var start_image: String?
        var end_image: String?
        var model_name: String?
        var model: String?
        var duration: Int?
        var aspect_ratio: String?
        var loop: Bool?
        var expand_prompt: Bool?
    }

    struct WebhookConfig: Decodable {
        var endpoint: String?
        var secret: String?
    }

    struct Config: Decodable {
        var webhook_config: WebhookConfig?
        var service_mode: String?
    }

    var model: String?
    var task_type: String?
    var input: Input?
    var config: Config?

    static let taskTypes = ["video_generation", "extend_video"]
    /// The keys above, at every level, as a task echoes its `input` and `config` back.
    static let keys: Set<String> = [
        "model", "task_type", "input", "config", "prompt", "key_frames", "frame0", "frame1", "type", "url", "id", "start_image",
        "end_image", "model_name", "duration", "aspect_ratio", "loop", "expand_prompt", "webhook_config", "endpoint", "secret",
        "service_mode",
    ]
    static let maxSecretLength = 256

    struct Validated {
        var request: GenerationRequest
        var images: TaskService.ImageSources
        /// Key frames of type generation: the video this one continues, and the one it leads into.
        var startGenerationID: String?
        var endGenerationID: String?
    }

    func validated(models: ModelCatalogue, body: JSONValue) throws -> Validated {
        try FieldRules.require("model", model, in: ["luma"])
        try FieldRules.require("task_type", task_type, in: Self.taskTypes)
        guard let input else { throw GatewayError.invalidRequest("Field `input` is required: the video's prompt and settings.") }
        try FieldRules.check("config.service_mode", config?.service_mode, in: ["", "public", "private"])

        var images = TaskService.ImageSources(firstField: "input.key_frames.frame0.url", lastField: "input.key_frames.frame1.url")
        var generations: [String?] = [nil, nil]
        for (index, frame) in [input.key_frames?.frame0, input.key_frames?.frame1].enumerated() {
            guard let frame else { continue }
            let field = "input.key_frames.frame\(index)"
            switch try Self.reference(frame, field: field) {
            case .image(let url): if index == 0 { images.first = url } else { images.last = url }
            case .generation(let id): generations[index] = id
            case nil: break
            }
        }
        for (index, (field, url)) in [("input.start_image", input.start_image), ("input.end_image", input.end_image)].enumerated() {
            guard let url else { continue }
            guard !url.isEmpty else { throw GatewayError.invalidRequest("Field `\(field)` must not be empty; leave it out instead.") }
            guard (index == 0 ? images.first : images.last) == nil, generations[index] == nil else {
                throw GatewayError.invalidRequest("Field `\(field)` and `input.key_frames.frame\(index)` both give frame \(index); give one.")
            }
            if index == 0 { (images.first, images.firstField) = (url, field) } else { (images.last, images.lastField) = (url, field) }
        }
        if task_type == "extend_video", generations[0] == nil {
            throw GatewayError.invalidRequest(
                "Field `input.key_frames.frame0` must be {\"type\": \"generation\", \"id\": <task_id>} for `extend_video`: the video to continue.")
        }
        if generations[0] != nil, generations[0] == generations[1] {
            throw GatewayError.invalidRequest("Fields `input.key_frames.frame0.id` and `frame1.id` name the same task; use two different ones.")
        }

        let prompt = (input.prompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if prompt.isEmpty, generations[0] == nil {
            throw GatewayError.invalidRequest(input.prompt == nil ? "Field `input.prompt` is required." : "Field `input.prompt` must not be blank.")
        }
        try FieldRules.promptLength("input.prompt", prompt)
        if input.model != nil, input.model_name != nil, input.model != input.model_name {
            throw GatewayError.invalidRequest("Fields `input.model` and `input.model_name` name different models; give one.")
        }
        let modelField = input.model != nil ? "input.model" : "input.model_name"
        let spec = try FieldRules.model(modelField, input.model ?? input.model_name, in: models, on: .luma, kind: .video, aliases: true)
        let aspectRatio = try FieldRules.aspectRatio("input.aspect_ratio", input.aspect_ratio)
        let webhook = config?.webhook_config
        let endpoint = webhook?.endpoint.flatMap { $0.isEmpty ? nil : $0 }
        try FieldRules.webhookURL("config.webhook_config.endpoint", endpoint)
        try FieldRules.textLength("config.webhook_config.secret", webhook?.secret, max: Self.maxSecretLength)
        if let secret = webhook?.secret, secret.utf8.contains(where: { $0 < 0x20 || $0 > 0x7E }) {
            throw GatewayError.invalidRequest("Field `config.webhook_config.secret` must be printable ASCII: it is sent back in a header.")
        }

        var request = GenerationRequest(
            prompt: prompt, aspectRatio: aspectRatio, expandPrompt: input.expand_prompt ?? false, loop: input.loop,
            model: input.model ?? input.model_name)
        let model = spec ?? models.spec(for: request)!
        request.duration = input.duration.map { Self.duration($0, offered: model.durations) }
        request.origin = DialectOrigin(
            dialect: .piAPI, body: DialectOrigin.kept(body, keys: Self.keys), webhookURL: endpoint,
            webhookSecret: webhook?.secret.flatMap { $0.isEmpty ? nil : $0 })
        let hasFrame = images.first != nil || images.last != nil || generations.contains { $0 != nil }
        do {
            try FieldRules.videoOptions(
                model, duration: request.duration, resolution: nil, aspectRatio: aspectRatio,
                loop: input.loop, framesField: hasFrame ? "key_frames" : nil)
        } catch let error as GatewayError {
            // The rules name the relay format's fields; this body nests them under `input`.
            throw GatewayError(
                status: error.status, code: error.code, detail: error.detail.replacingOccurrences(of: "Field `", with: "Field `input."))
        }
        return Validated(request: request, images: images, startGenerationID: generations[0], endGenerationID: generations[1])
    }

    /// PiAPI's `duration` as the model offers it: its own seconds, or the nearest within a second
    /// (PiAPI's 10 is Ray 2's 9 s); anything else stays as asked, for the rules to refuse.
    static func duration(_ seconds: Int, offered: [String]) -> String {
        let asked = "\(seconds)s"
        if offered.contains(asked) { return asked }
        return offered.first { abs(ModelSpec.seconds($0) - seconds) <= 1 } ?? asked
    }

    private enum Reference {
        case image(String)
        case generation(String)
    }

    /// A key frame: an image by URL, or one of the token's videos by task id. A frame with an
    /// empty type and nothing else is no frame (as PiAPI's own tools send one).
    private static func reference(_ frame: Frame, field: String) throws -> Reference? {
        switch frame.type ?? "" {
        case "image":
            guard let url = frame.url, !url.isEmpty else {
                throw GatewayError.invalidRequest("Field `\(field).url` is required for a key frame of type image.")
            }
            return .image(url)
        case "generation":
            guard let id = frame.id, UUID(uuidString: id) != nil else {
                throw GatewayError.invalidRequest("Field `\(field).id` must be the task_id of one of your videos for a key frame of type generation.")
            }
            return .generation(id.lowercased())
        case "" where (frame.url ?? "").isEmpty && (frame.id ?? "").isEmpty:
            return nil
        default:
            throw GatewayError.invalidRequest("Field `\(field).type` must be one of \"image\", \"generation\".")
        }
    }
}
