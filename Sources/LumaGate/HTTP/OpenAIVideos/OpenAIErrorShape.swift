import HTTPTypes

/// OpenAI's error: `{"error": {"message", "type", "param", "code"}}`, with the statuses that make
/// the `openai` SDKs raise their matching exception. `param` is the field the message names.
/// A token out of quota is a 429 `insufficient_quota`, as OpenAI answers it (not a 402, which the
/// SDKs know no exception for).
struct OpenAIErrorShape: ErrorShape {
    func status(for error: GatewayError) -> HTTPResponse.Status {
        error.code == "insufficient_quota" ? .tooManyRequests : error.status
    }

    func body(for error: GatewayError) -> JSONValue {
        let (type, code): (String, String) =
            switch error.status.code {
            case 401: ("invalid_request_error", "invalid_api_key")
            case 402: ("insufficient_quota", "insufficient_quota")
            case 429: ("requests", "rate_limit_exceeded")
            case 500...: ("server_error", error.code)
            default: ("invalid_request_error", error.code)
            }
        return .object([
            (
                "error",
                .object([
                    ("message", .string(error.detail)), ("type", .string(type)),
                    ("param", Self.param(in: error.detail).map(JSONValue.string) ?? .null), ("code", .string(code)),
                ])
            )
        ])
    }

    /// The field a message names ("Field `size` must be ..."), if any.
    static func param(in detail: String) -> String? {
        guard let start = detail.range(of: "Field `")?.upperBound, let end = detail[start...].firstIndex(of: "`") else { return nil }
        return String(detail[start..<end])
    }
}
