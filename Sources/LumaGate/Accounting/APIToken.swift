/// A client's API token as stored: the secret itself is never kept, only its SHA-256.
public struct APIToken: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAtMillis: Int64
    public var revokedAtMillis: Int64?

    public var isRevoked: Bool { revokedAtMillis != nil }
}
