import Foundation

/// The body of an operation the gateway relays to Luma as the client sent it: upscale, add audio,
/// modify and reframe. One type holds every field the official schemas name, all optional at
/// decoding so that types are checked and a missing field gets our own message; `validated(as:)`
/// applies one operation's rules.
struct DreamMachineOperationBody: Codable {
    struct Media: Codable {
        var url: String?
    }

    var generation_type: String?
    var media: Media?
    var first_frame: Media?
    var model: String?
    var mode: String?
    var prompt: String?
    var negative_prompt: String?
    var resolution: String?
    var aspect_ratio: String?
    var format: String?
    var grid_position_x: Int?
    var grid_position_y: Int?
    var x_start: Int?
    var x_end: Int?
    var y_start: Int?
    var y_end: Int?
    var resized_width: Int?
    var resized_height: Int?
    var callback_url: String?

    /// The resolutions Luma upscales to.
    static let upscaleResolutions = ["540p", "720p", "1080p", "4k"]

    static let modifyModes = [
        "adhere_1", "adhere_2", "adhere_3", "flex_1", "flex_2", "flex_3", "reimagine_1", "reimagine_2", "reimagine_3",
    ]

    func validated(as kind: GenerationRequest.Kind, models: ModelCatalogue) throws -> GenerationRequest {
        precondition(kind.isRelayedOperation, "\(kind) is not relayed")
        var body = self
        try FieldRules.check("generation_type", generation_type, in: [kind.rawValue])
        body.generation_type = kind.rawValue
        try FieldRules.webhookURL("callback_url", callback_url)
        try FieldRules.promptLength("prompt", prompt ?? "")
        switch kind {
        case .upscaleVideo:
            try FieldRules.check("resolution", resolution, in: Self.upscaleResolutions)
        case .modifyVideo:
            try Self.requireMedia("media", media)
            if let first_frame { try Self.requireMedia("first_frame", first_frame) }
            try FieldRules.require("model", model, in: models.names(making: kind))
            try FieldRules.require("mode", mode, in: Self.modifyModes)
        case .reframeVideo, .reframeImage:
            try Self.requireMedia("media", media)
            try FieldRules.require("model", model, in: models.names(making: kind))
            try FieldRules.require("aspect_ratio", aspect_ratio, in: AspectRatio.allCases.map(\.rawValue))
            if kind == .reframeImage { try FieldRules.check("format", format, in: DreamMachineImageBody.formats) }
        default:
            break
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return GenerationRequest(
            prompt: prompt ?? "", aspectRatio: aspect_ratio ?? AspectRatio.wide.rawValue, model: model, kind: kind,
            callbackURL: callback_url, imageFormat: format, relayedBody: String(decoding: try encoder.encode(body), as: UTF8.self))
    }

    private static func requireMedia(_ field: String, _ media: Media?) throws {
        guard let url = media?.url else { throw GatewayError.invalidRequest("Field `\(field).url` is required.") }
        guard FieldRules.isHTTPURL(url) else {
            throw GatewayError.invalidRequest("Field `\(field).url` must be an http(s) URL that Luma can fetch.")
        }
        try FieldRules.urlLength("\(field).url", url)
    }
}
