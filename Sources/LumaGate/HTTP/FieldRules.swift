import Foundation

/// Checks both API faces apply to the fields they share, each failing with a 400 that names the
/// field and says what it may be.
enum FieldRules {
    /// Counted in Unicode code points, as JSON Schema's `maxLength` counts: a letter stacked with
    /// thousands of combining marks is one character to Swift but thousands of code points here.
    static let maxPromptLength = 5000
    static let maxURLLength = 2048
    static let resolutions = ["540p", "720p", "1080p", "4k"]
    static let durations = ["5s", "9s"]

    static func check(_ field: String, _ value: String?, in allowed: [String]) throws {
        if let value, !allowed.contains(value) {
            throw GatewayError.invalidRequest("Field `\(field)` must be one of \(list(allowed)).")
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

    static func promptLength(_ field: String, _ prompt: String) throws {
        let length = prompt.unicodeScalars.count
        guard length <= maxPromptLength else {
            throw GatewayError.invalidRequest("Field `\(field)` is \(length) characters (Unicode code points); at most \(maxPromptLength) are allowed.")
        }
    }

    /// A URL the gateway will POST a client's webhooks to.
    static func webhookURL(_ field: String, _ value: String?) throws {
        guard let value else { return }
        guard isHTTPURL(value) else { throw GatewayError.invalidRequest("Field `\(field)` must be an http(s) URL of at most \(maxURLLength) characters.") }
    }

    static func isHTTPURL(_ value: String) -> Bool {
        guard value.unicodeScalars.count <= maxURLLength else { return false }
        guard let url = URL(string: value), ["http", "https"].contains(url.scheme?.lowercased()) else { return false }
        return url.host?.isEmpty == false
    }

    static func list(_ values: [String]) -> String {
        values.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
