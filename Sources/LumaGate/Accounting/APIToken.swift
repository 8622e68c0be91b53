/// A client's API token as stored: the secret itself is never kept, only its SHA-256.
public struct APIToken: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAtMillis: Int64
    public var revokedAtMillis: Int64?
    /// Credits the token may spend in all; nil is unlimited.
    public var quota: Int64?
    /// Credits charged and not refunded.
    public var used: Int64 = 0
    /// Per-token limits; nil falls back to the gateway's defaults.
    public var requestsPerMinute: Int?
    public var maxInFlight: Int?
    /// May use the admin API (every token, channel and task), not only the client API.
    public var isAdmin = false

    public var isRevoked: Bool { revokedAtMillis != nil }

    /// Credits left, nil when unlimited.
    public var remaining: Int64? { quota.map { max($0 - used, 0) } }
}
