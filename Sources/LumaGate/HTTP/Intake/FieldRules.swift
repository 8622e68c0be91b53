import Foundation

/// Checks both API faces apply to the fields they share, each failing with a 400 that names the
/// field and says what it may be.
enum FieldRules {
    /// Counted in Unicode code points, as JSON Schema's `maxLength` counts: a letter stacked with
    /// thousands of combining marks is one character to Swift but thousands of code points here.
    static let maxPromptLength = 5000
    static let maxURLLength = 2048
    /// File names and a client's own ids, as file systems bound a name.
    static let maxNameLength = 255

    static func check(_ field: String, _ value: String?, in allowed: [String], for model: String? = nil) throws {
        if let value, !allowed.contains(value) {
            throw GatewayError.invalidRequest("Field `\(field)` must be one of \(list(allowed))" + (model.map { " for model \($0)." } ?? "."))
        }
    }

    /// The duration, resolution, aspect ratio, loop and frames a video request may combine with its
    /// model, checked as Luma checks them. `framesField` names the request's start or end frame
    /// field when it has one (a 10 s ray-3.2 video is made from text alone).
    static func videoOptions(
        _ model: ModelSpec, duration: String?, resolution: String?, aspectRatio: String, loop: Bool?, framesField: String?
    ) throws {
        try check("duration", duration, in: model.durations, for: model.name)
        try check("resolution", resolution, in: model.resolutions, for: model.name)
        try check("aspect_ratio", aspectRatio, in: model.aspectRatios, for: model.name)
        guard let duration else { return }
        if loop == true, !model.loopDurations.contains(duration) {
            throw GatewayError.invalidRequest(
                "Field `loop` cannot be true with `duration` \"\(duration)\" on \(model.name): loops are \(spoken(model.loopDurations)) long.")
        }
        if let framesField, !model.framedDurations.contains(duration) {
            throw GatewayError.invalidRequest(
                "Field `\(framesField)` cannot be used with `duration` \"\(duration)\" on \(model.name): a video from a start or end frame is \(spoken(model.framedDurations)) long."
            )
        }
    }

    /// A model the face takes, by the name the request gives (nil when it gives none).
    static func model(
        _ field: String, _ name: String?, in models: ModelCatalogue, on face: ModelSpec.Face, kind: ModelSpec.Kind,
        aliases: Bool = false
    ) throws -> ModelSpec? {
        guard let name else { return nil }
        try check(field, name, in: models.names(on: face, kind: kind, aliases: aliases))
        return models.spec(named: name)
    }

    /// Durations as a sentence says them: ["5s", "9s"] is "5 s or 9 s".
    static func spoken(_ durations: [String]) -> String {
        durations.map { "\($0.dropLast()) s" }.joined(separator: " or ")
    }

    /// Like `check`, and the field must be there.
    static func require(_ field: String, _ value: String?, in allowed: [String]) throws {
        guard value != nil else { throw GatewayError.invalidRequest("Field `\(field)` is required: one of \(list(allowed)).") }
        try check(field, value, in: allowed)
    }

    static func aspectRatio(_ field: String, _ value: String?) throws -> String {
        let value = value ?? AspectRatio.wide.rawValue
        try check(field, value, in: AspectRatio.allCases.map(\.rawValue))
        return value
    }

    static func promptLength(_ field: String, _ prompt: String, max: Int = maxPromptLength) throws {
        try textLength(field, prompt, max: max)
    }

    /// Any text a client may store, bounded in code points.
    static func textLength(_ field: String, _ text: String?, max: Int) throws {
        guard let length = text?.unicodeScalars.count, length > max else { return }
        throw GatewayError.invalidRequest("Field `\(field)` is \(length) characters (Unicode code points); at most \(max) are allowed.")
    }

    /// A URL the gateway will POST a client's webhooks to.
    static func webhookURL(_ field: String, _ value: String?) throws {
        guard let value else { return }
        guard isHTTPURL(value) else { throw GatewayError.invalidRequest("Field `\(field)` must be an http(s) URL.") }
        try urlLength(field, value)
    }

    static func urlLength(_ field: String, _ value: String) throws {
        let length = value.unicodeScalars.count
        guard length <= maxURLLength else {
            throw GatewayError.invalidRequest("Field `\(field)` is a URL of \(length) characters; at most \(maxURLLength) are allowed.")
        }
    }

    static func isHTTPURL(_ value: String) -> Bool {
        guard let url = URL(string: value), ["http", "https"].contains(url.scheme?.lowercased()) else { return false }
        return url.host?.isEmpty == false
    }

    static func list(_ values: [String]) -> String {
        values.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
