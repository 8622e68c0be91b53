import Foundation

/// The official create-image body (`POST /dream-machine/v1/generations/image`).
struct DreamMachineImageBody: Decodable {
    /// Any JSON at all: the reference fields are only checked for presence.
    struct AnyJSON: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    var generation_type: String?
    var model: String?
    var prompt: String?
    var aspect_ratio: String?
    var format: String?
    var callback_url: String?
    var sync: Bool?
    var image_ref: AnyJSON?
    var style_ref: AnyJSON?
    var character_ref: AnyJSON?
    var modify_image_ref: AnyJSON?

    static let formats = ["jpg", "png"]

    func validated(models: ModelCatalogue) throws -> GenerationRequest {
        try FieldRules.check("generation_type", generation_type, in: ["image"])
        try FieldRules.require("model", model, in: models.names(on: .dreamMachine, kind: .image))
        let prompt = (prompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !prompt.isEmpty else { throw GatewayError.invalidRequest("Field `prompt` is required.") }
        try FieldRules.promptLength("prompt", prompt)
        let aspectRatio = try FieldRules.aspectRatio("aspect_ratio", aspect_ratio)
        try FieldRules.check("aspect_ratio", aspectRatio, in: models.spec(named: model)!.aspectRatios, for: model)
        try FieldRules.check("format", format, in: Self.formats)
        try FieldRules.webhookURL("callback_url", callback_url)
        for (field, value) in [
            ("image_ref", image_ref), ("style_ref", style_ref), ("character_ref", character_ref),
            ("modify_image_ref", modify_image_ref),
        ] where value != nil {
            throw GatewayError.invalidRequest("Field `\(field)` is not supported by this gateway; leave it out.")
        }
        if sync == true {
            throw GatewayError.invalidRequest("Field `sync` is not supported by this gateway; leave it out and poll GET /generations/{id}.")
        }
        return GenerationRequest(
            prompt: prompt, aspectRatio: aspectRatio, model: model, kind: .image, callbackURL: callback_url, imageFormat: format)
    }
}
