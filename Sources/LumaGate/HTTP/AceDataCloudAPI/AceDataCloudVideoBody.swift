import Foundation

/// AceDataCloud's `POST /luma/videos` body. Every field is optional at decoding (an explicit null
/// is the field left out, as its clients send `"timeout": null`); `validated` applies the rules.
struct AceDataCloudVideoBody: Decodable {
    var action: String?
    var prompt: String?
    var aspect_ratio: String?
    var start_image_url: String?
    var end_image_url: String?
    var video_id: String?
    var video_url: String?
    var loop: Bool?
    var enhancement: Bool?
    var timeout: Double?
    var callback_url: String?
    var async: Bool?
    /// Not in AceDataCloud's API: a way to reach the catalogue's other video models.
    var model: String?

    /// The fields above, as a task record echoes them back.
    static let keys: Set<String> = [
        "action", "prompt", "aspect_ratio", "start_image_url", "end_image_url", "video_id", "video_url", "loop", "enhancement",
        "timeout", "callback_url", "async", "model",
    ]
    static let defaultTimeoutSeconds = 300.0
    static let maxTimeoutSeconds = 600.0

    struct Validated {
        var request: GenerationRequest
        var images: TaskService.ImageSources
        /// For an extension: the video to extend, as `video_id` or as `video_url`.
        var extending: (id: String?, url: String?)?
        /// How long a waiting create holds; nil when the create answers at once.
        var wait: Duration?
    }

    func validated(models: ModelCatalogue, origin: DialectOrigin) throws -> Validated {
        try FieldRules.check("action", action, in: ["generate", "extend"])
        let extending = action == "extend"
        let prompt = (prompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !extending, prompt.isEmpty {
            throw GatewayError.invalidRequest(self.prompt == nil ? "Field `prompt` is required." : "Field `prompt` must not be blank.")
        }
        try FieldRules.promptLength("prompt", prompt)
        let aspectRatio = try FieldRules.aspectRatio("aspect_ratio", aspect_ratio)
        let spec = try FieldRules.model("model", model, in: models, on: .luma, kind: .video, aliases: true)
        try FieldRules.webhookURL("callback_url", callback_url)
        for (field, value) in [
            ("start_image_url", start_image_url), ("end_image_url", end_image_url), ("video_id", video_id), ("video_url", video_url),
        ]
        where value?.isEmpty == true {
            throw GatewayError.invalidRequest("Field `\(field)` must not be empty; leave it out instead.")
        }
        if let timeout, !(1...Self.maxTimeoutSeconds).contains(timeout) {
            throw GatewayError.invalidRequest("Field `timeout` must be between 1 and \(Int(Self.maxTimeoutSeconds)) seconds.")
        }
        if extending {
            guard video_id != nil || video_url != nil else {
                throw GatewayError.invalidRequest("Field `video_id` (or `video_url`) is required to extend: the video to continue.")
            }
            if start_image_url != nil {
                throw GatewayError.invalidRequest("Field `start_image_url` cannot be used to extend: an extension opens on its video's last frame.")
            }
        } else if video_id != nil || video_url != nil {
            throw GatewayError.invalidRequest("Fields `video_id` and `video_url` are for `action` \"extend\".")
        }
        var request = GenerationRequest(
            prompt: prompt, aspectRatio: aspectRatio, expandPrompt: enhancement ?? true, loop: loop, model: model)
        request.origin = origin
        try FieldRules.videoOptions(
            spec ?? models.spec(for: request)!, duration: nil, resolution: nil, aspectRatio: aspectRatio, loop: loop,
            framesField: start_image_url != nil ? "start_image_url" : end_image_url != nil ? "end_image_url" : nil)
        let answersAtOnce = callback_url != nil || async == true
        return Validated(
            request: request,
            images: .init(first: start_image_url, last: end_image_url, firstField: "start_image_url", lastField: "end_image_url"),
            extending: extending ? (video_id, video_id == nil ? video_url : nil) : nil,
            wait: answersAtOnce ? nil : .milliseconds(Int64((timeout ?? Self.defaultTimeoutSeconds) * 1000)))
    }
}
