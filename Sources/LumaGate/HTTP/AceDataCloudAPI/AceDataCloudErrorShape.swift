/// AceDataCloud's errors: `{"success": false, "error": {"code", "message"}, "trace_id"}`, with the
/// codes its documentation lists for each status; `trace_id` is the request's `X-Request-Id`.
struct AceDataCloudErrorShape: ErrorShape {
    func body(for error: GatewayError) -> JSONValue { body(for: error, requestID: nil) }

    func body(for error: GatewayError, requestID: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("success", .bool(false)),
            ("error", .object([("code", .string(Self.code(for: error))), ("message", .string(error.detail))])),
        ]
        if let requestID { members.append(("trace_id", .string(requestID))) }
        return .object(members)
    }

    static func code(for error: GatewayError) -> String {
        switch error.status.code {
        case 401: "invalid_token"
        case 402: "used_up"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 429: "too_many_requests"
        case 504: "timeout"
        case 400..<500: "bad_request"
        default: "api_error"
        }
    }
}
