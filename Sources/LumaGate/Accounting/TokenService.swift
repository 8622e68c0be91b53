import Crypto
import Foundation

/// Issues, lists, revokes and checks API tokens, and sets their quotas and limits.
public struct TokenService: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case nameTaken(String)
        case blankName
        case longName
        case notFound(String)

        public var description: String {
            switch self {
            case .nameTaken(let name): "A token named \"\(name)\" already exists; pick another name."
            case .blankName: "A token needs a non-blank --name."
            case .longName: "A token's name is at most \(TokenService.maxNameLength) characters."
            case .notFound(let key): "No token has the id or name \"\(key)\"."
            }
        }
    }

    /// The outcome of checking a presented secret.
    public enum Check: Sendable, Equatable {
        case valid(APIToken)
        case revoked
        case unknown
    }

    static let maxNameLength = 255

    let repository: TokenRepository
    let now: @Sendable () -> Date

    public init(repository: TokenRepository, now: @escaping @Sendable () -> Date) {
        self.repository = repository
        self.now = now
    }

    /// Creates a token and returns it with its secret, which exists nowhere else afterwards, and
    /// the secret its webhooks are signed with.
    public func create(
        name: String, quota: Int64? = nil, requestsPerMinute: Int? = nil, maxInFlight: Int? = nil, isAdmin: Bool = false
    ) async throws -> (token: APIToken, secret: String, signingSecret: String) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Failure.blankName }
        guard name.unicodeScalars.count <= Self.maxNameLength else { throw Failure.longName }
        let secret = "lg_" + Self.randomHex()
        let signingSecret = "whsec_" + Self.randomHex()
        let token = APIToken(
            id: UUID().uuidString.lowercased(), name: trimmed, createdAtMillis: now().millis, quota: quota,
            requestsPerMinute: requestsPerMinute, maxInFlight: maxInFlight, isAdmin: isAdmin)
        guard try await repository.insert(token, secretHash: Self.hash(secret), signingSecret: signingSecret) else {
            throw Failure.nameTaken(trimmed)
        }
        return (token, secret, signingSecret)
    }

    /// Sets the credits a token may spend in all (nil: unlimited). What it used so far still counts.
    public func setQuota(_ idOrName: String, quota: Int64?) async throws -> APIToken {
        guard let token = try await repository.setQuota(idOrName: idOrName, quota: quota) else { throw Failure.notFound(idOrName) }
        return token
    }

    /// Sets a token's limits (nil: the gateway's default).
    public func setLimits(_ idOrName: String, requestsPerMinute: Int?, maxInFlight: Int?) async throws -> APIToken {
        guard let token = try await repository.setLimits(idOrName: idOrName, requestsPerMinute: requestsPerMinute, maxInFlight: maxInFlight) else {
            throw Failure.notFound(idOrName)
        }
        return token
    }

    /// Replaces a token's webhook signing secret and returns the new one.
    public func rotateSigningSecret(_ idOrName: String) async throws -> String {
        let secret = "whsec_" + Self.randomHex()
        guard try await repository.setSigningSecret(idOrName: idOrName, secret: secret) != nil else { throw Failure.notFound(idOrName) }
        return secret
    }

    /// A token with what it has been charged and refunded, and its tasks by state.
    public func usage(_ idOrName: String) async throws -> TokenUsage {
        guard let token = try await repository.find(idOrName: idOrName) else { throw Failure.notFound(idOrName) }
        return try await repository.usage(of: token)
    }

    /// A token by id or name.
    public func find(_ idOrName: String) async throws -> APIToken? {
        try await repository.find(idOrName: idOrName)
    }

    public func list() async throws -> [APIToken] {
        try await repository.all()
    }

    /// Revokes by id or by name; revoking twice keeps the first revocation time.
    public func revoke(_ idOrName: String) async throws -> APIToken {
        guard let token = try await repository.revoke(idOrName: idOrName, at: now().millis) else {
            throw Failure.notFound(idOrName)
        }
        return token
    }

    public func check(secret: String) async throws -> Check {
        guard let token = try await repository.find(secretHash: Self.hash(secret)) else { return .unknown }
        return token.isRevoked ? .revoked : .valid(token)
    }

    private static func randomHex() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.hexString
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).withUnsafeBytes { Data($0) }.hexString
    }
}
