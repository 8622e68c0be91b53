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

    static let maxPromptLength = 5000
    static let modelNames = ["ray-v1", "ray-v2", "ray-flash-v2", "ray-1-6", "ray-2", "ray-flash-2"]
    static let resolutions = ["540p", "720p", "1080p", "4k"]
    static let durations = ["5s", "9s"]

    /// The request this body asks for. An extension may leave the prompt out (it continues the
    /// parent's); its aspect ratio is always the parent's.
    func validated(defaultPrompt: String? = nil) throws -> (GenerationRequest, TaskService.ImageSources) {
        let prompt = (user_prompt ?? defaultPrompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !prompt.isEmpty else {
            throw GatewayError.invalidRequest(user_prompt == nil
                ? "Field `user_prompt` is required." : "Field `user_prompt` must not be blank.")
        }
        guard prompt.count <= Self.maxPromptLength else {
            throw GatewayError.invalidRequest("Field `user_prompt` is \(prompt.count) characters; at most \(Self.maxPromptLength) are allowed.")
        }
        let aspectRatio = aspect_ratio ?? AspectRatio.wide.rawValue
        guard AspectRatio(rawValue: aspectRatio) != nil else {
            throw GatewayError.invalidRequest("Field `aspect_ratio` must be one of \(Self.list(AspectRatio.allCases.map(\.rawValue))).")
        }
        try Self.check("model_name", model_name, in: Self.modelNames)
        try Self.check("resolution", resolution, in: Self.resolutions)
        try Self.check("duration", duration, in: Self.durations)
        if let notify_hook {
            guard let url = URL(string: notify_hook), ["http", "https"].contains(url.scheme?.lowercased()), url.host != nil else {
                throw GatewayError.invalidRequest("Field `notify_hook` must be an http(s) URL.")
            }
        }
        for (field, value) in [("image_url", image_url), ("image_end_url", image_end_url)] where value?.isEmpty == true {
            throw GatewayError.invalidRequest("Field `\(field)` must not be empty; leave it out instead.")
        }
        let request = GenerationRequest(
            prompt: prompt, aspectRatio: aspectRatio, expandPrompt: expand_prompt, loop: loop,
            notifyHook: notify_hook, model: model_name, resolution: resolution, duration: duration)
        return (request, .init(first: image_url, last: image_end_url))
    }

    private static func check(_ field: String, _ value: String?, in allowed: [String]) throws {
        if let value, !allowed.contains(value) {
            throw GatewayError.invalidRequest("Field `\(field)` must be one of \(list(allowed)).")
        }
    }

    private static func list(_ values: [String]) -> String {
        values.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
