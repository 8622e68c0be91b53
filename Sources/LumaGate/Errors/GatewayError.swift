import HTTPTypes

/// The one error type handlers throw: a status, a stable code, and a sentence a person can act on
/// (naming the field, as "Field `x` ..."). It never carries upstream keys, ids or raw upstream
/// bodies, and has no shape of its own: each face writes it with its `ErrorShape`.
public struct GatewayError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var detail: String
    public var retryAfterSeconds: Int?

    public init(status: HTTPResponse.Status, code: String, detail: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static func invalidRequest(_ detail: String) -> GatewayError {
        GatewayError(status: .badRequest, code: "invalid_request", detail: detail)
    }

    public static func unauthorized(_ detail: String) -> GatewayError {
        GatewayError(status: .unauthorized, code: "unauthorized", detail: detail)
    }

    public static func tokenDisabled(_ detail: String) -> GatewayError {
        GatewayError(status: .forbidden, code: "token_disabled", detail: detail)
    }

    /// What a revoked token hears, from the auth check or from the charge that refused it.
    static let tokenRevoked = tokenDisabled("This token has been revoked; ask the gateway operator for a new one.")

    public static func forbidden(_ detail: String) -> GatewayError {
        GatewayError(status: .forbidden, code: "forbidden", detail: detail)
    }

    public static func notFound(_ detail: String) -> GatewayError {
        GatewayError(status: .notFound, code: "not_found", detail: detail)
    }

    public static func taskNotFound(_ id: String) -> GatewayError {
        .notFound("No task with id \(id) exists for this token.")
    }

    public static func conflict(_ detail: String) -> GatewayError {
        GatewayError(status: .conflict, code: "conflict", detail: detail)
    }

    public static func insufficientQuota(_ detail: String) -> GatewayError {
        GatewayError(status: .init(code: 402, reasonPhrase: "Payment Required"), code: "insufficient_quota", detail: detail)
    }

    public static func rateLimited(_ detail: String, retryAfterSeconds: Int) -> GatewayError {
        GatewayError(status: .tooManyRequests, code: "rate_limited", detail: detail, retryAfterSeconds: retryAfterSeconds)
    }

    public static func methodNotAllowed(_ detail: String) -> GatewayError {
        GatewayError(status: .methodNotAllowed, code: "method_not_allowed", detail: detail)
    }

    public static func noChannelAvailable(_ detail: String) -> GatewayError {
        GatewayError(status: .serviceUnavailable, code: "no_channel_available", detail: detail, retryAfterSeconds: 30)
    }

    public static func payloadTooLarge(_ detail: String) -> GatewayError {
        GatewayError(status: .contentTooLarge, code: "payload_too_large", detail: detail)
    }

    public static func unsupportedMediaType(_ detail: String) -> GatewayError {
        GatewayError(status: .unsupportedMediaType, code: "unsupported_media_type", detail: detail)
    }

    /// A client's URL at an address the outbound policy refuses; what is there is never told.
    public static func unfetchableAddress(_ field: String) -> GatewayError {
        .invalidRequest("Field `\(field)` points at an address this gateway does not fetch from (local, private or otherwise not public).")
    }

    /// A valid request for something this gateway does not make (yet, or without a channel for it).
    public static func notImplemented(_ detail: String) -> GatewayError {
        GatewayError(status: .notImplemented, code: "not_implemented", detail: detail)
    }

    /// Each field is valid alone, but not with the others (the Agents API's 422).
    public static func invalidCombination(_ detail: String) -> GatewayError {
        GatewayError(status: .unprocessableContent, code: "invalid_combination", detail: detail)
    }
}
