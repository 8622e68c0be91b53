/// What can go wrong talking to an upstream, and whether trying again later can help.
public enum UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer: connection refused, reset, or timed out.
    case transport(String)
    /// 429; `retryAfter` is the upstream's `Retry-After` in seconds, when it sent one.
    case rateLimited(retryAfter: Double?)
    /// An unexpected status, such as a 5xx.
    case httpStatus(Int)
    /// The upstream refused the request itself (a 4xx with a reason); retrying cannot help.
    case rejected(String)
    /// The upstream refused the gateway's key (401 or 403) or its account has no balance left
    /// (402): the account's problem, not the task's, so the task goes to another channel or waits;
    /// a 402, or a 401/403 repeated, disables the channel.
    case unauthorized(Int)
    /// The upstream does not know the generation.
    case notFound
    /// The answer could not be read as the upstream's format.
    case undecodable(String)

    /// A short name of the case, for metrics.
    public var kind: String {
        switch self {
        case .transport: "transport"
        case .rateLimited: "rate_limited"
        case .httpStatus: "http_status"
        case .rejected: "rejected"
        case .unauthorized: "unauthorized"
        case .notFound: "not_found"
        case .undecodable: "undecodable"
        }
    }

    public var isRetryable: Bool {
        switch self {
        case .transport, .rateLimited, .undecodable, .unauthorized: true
        case .httpStatus(let status): status >= 500 || status == 408
        case .rejected, .notFound: false
        }
    }

    public var description: String {
        switch self {
        case .transport(let detail): "upstream unreachable (\(detail))"
        case .rateLimited(let retryAfter): "upstream rate limit" + (retryAfter.map { ", retry after \($0) s" } ?? "")
        case .httpStatus(let status): "upstream answered HTTP \(status)"
        case .rejected(let reason): "upstream refused the request: \(reason)"
        case .unauthorized(402): "upstream account has no balance left (HTTP 402)"
        case .unauthorized(let status): "upstream refused the gateway's key (HTTP \(status))"
        case .notFound: "upstream does not know this generation"
        case .undecodable(let detail): "upstream answer unreadable (\(detail))"
        }
    }
}
