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
    /// The Dream Machine models' (ray-2, ray-flash-2) resolutions and durations.
    static let resolutions = ["540p", "720p", "1080p", "4k"]
    static let durations = ["5s", "9s"]
    /// ray-3.2's, through the Agents API: 360p is its draft tier; 10 s is two 5 s blocks.
    static let agentsResolutions = ["360p", "540p", "720p", "1080p"]
    static let agentsDurations = ["5s", "10s"]
    static let agentsAspectRatios = ["1:1", "16:9", "9:16", "4:3", "3:4", "21:9"]

    static func check(_ field: String, _ value: String?, in allowed: [String], for model: String? = nil) throws {
        if let value, !allowed.contains(value) {
            throw GatewayError.invalidRequest("Field `\(field)` must be one of \(list(allowed))" + (model.map { " for model \($0)." } ?? "."))
        }
    }

    /// The duration, resolution, aspect ratio, loop and frames a video request may combine with its
    /// model, checked as Luma checks them. `framesField` names the request's start or end frame
    /// field when it has one (a 10 s ray-3.2 video is made from text alone).
    static func videoOptions(model: String, duration: String?, resolution: String?, aspectRatio: String, loop: Bool?, framesField: String?) throws {
        guard model == GenerationRequest.agentsVideoModel else {
            try check("duration", duration, in: durations, for: model)
            try check("resolution", resolution, in: resolutions, for: model)
            return
        }
        try check("duration", duration, in: agentsDurations, for: model)
        try check("resolution", resolution, in: agentsResolutions, for: model)
        try check("aspect_ratio", aspectRatio, in: agentsAspectRatios, for: model)
        guard duration == "10s" else { return }
        if loop == true {
            throw GatewayError.invalidRequest("Field `loop` cannot be true with `duration` \"10s\" on \(model): loops are 5 s long.")
        }
        if let framesField {
            throw GatewayError.invalidRequest("Field `\(framesField)` cannot be used with `duration` \"10s\" on \(model): a video from a start or end frame is 5 s long.")
        }
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
