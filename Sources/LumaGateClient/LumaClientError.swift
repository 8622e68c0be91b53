/// A request the gateway answered with an error status. The gateway always answers errors as
/// `{"detail": ..., "code": ...}`; `detail` is a sentence meant for a person, so callers can show
/// it as is, and `code` is stable, so callers can branch on it.
public struct LumaClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status, e.g. 401, 404, 409.
    public var status: Int
    /// The stable snake_case code, e.g. `unauthorized`, `not_found`, `invalid_request`; `nil` when
    /// the answer did not come from the gateway itself (a proxy's error page, say).
    public var code: String?
    /// What went wrong and what to do, as the server said it.
    public var detail: String
    /// Seconds the server asked to wait (`Retry-After`, sent with 429 and 503).
    public var retryAfterSeconds: Int?
    /// The `X-Request-Id` of the failed request: the key to the gateway's log lines about it.
    public var requestID: String?

    public init(status: Int, code: String?, detail: String, retryAfterSeconds: Int? = nil, requestID: String? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
        self.requestID = requestID
    }

    public var description: String {
        "HTTP \(status)\(code.map { " \($0)" } ?? ""): \(detail)"
    }

    /// Worth asking again later: the server was busy or limited, not the request wrong.
    public var isTransient: Bool {
        status == 429 || status == 502 || status == 503 || status == 504
    }
}
