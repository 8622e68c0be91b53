import Foundation

/// The relay-format submit body (`POST /luma/generations`, and `.../extend`). Every field is
/// optional at decoding so that a missing one gets our own message; `validated` applies the rules.
struct LumaSubmitBody: Decodable {
    var user_prompt: String?
    var aspect_ratio: String?
    var expand_prompt: Bool?
    var loop: Bool?
    var image_url: String?
    var image_end_url: String?
    var notify_hook: String?
    var model_name: String?
    var resolution: String?
    var duration: String?

    /// The request this body asks for. An extension may leave the prompt out (it continues the
    /// parent's); its aspect ratio is always the parent's.
    func validated(models: ModelCatalogue, defaultPrompt: String? = nil) throws -> (GenerationRequest, TaskService.ImageSources) {
        let prompt = (user_prompt ?? defaultPrompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !prompt.isEmpty else {
            throw GatewayError.invalidRequest(
                user_prompt == nil
                    ? "Field `user_prompt` is required." : "Field `user_prompt` must not be blank.")
        }
        try FieldRules.promptLength("user_prompt", prompt)
        let aspectRatio = try FieldRules.aspectRatio("aspect_ratio", aspect_ratio)
        let model = try FieldRules.model("model_name", model_name, in: models, on: .luma, kind: .video, aliases: true)
        try FieldRules.webhookURL("notify_hook", notify_hook)
        for (field, value) in [("image_url", image_url), ("image_end_url", image_end_url)] where value?.isEmpty == true {
            throw GatewayError.invalidRequest("Field `\(field)` must not be empty; leave it out instead.")
        }
        let request = GenerationRequest(
            prompt: prompt, aspectRatio: aspectRatio, expandPrompt: expand_prompt, loop: loop,
            notifyHook: notify_hook, model: model_name, resolution: resolution, duration: duration)
        try FieldRules.videoOptions(
            model ?? models.spec(for: request)!, duration: duration, resolution: resolution,
            aspectRatio: aspectRatio, loop: loop, framesField: image_url != nil ? "image_url" : image_end_url != nil ? "image_end_url" : nil)
        return (request, .init(first: image_url, last: image_end_url))
    }
}
