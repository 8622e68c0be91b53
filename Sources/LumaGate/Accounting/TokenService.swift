import Crypto
import Foundation

/// Issues, lists, revokes and checks API tokens.
public struct TokenService: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case nameTaken(String)
        case blankName
        case notFound(String)

        public var description: String {
            switch self {
            case .nameTaken(let name): "A token named \"\(name)\" already exists; pick another name."
            case .blankName: "A token needs a non-blank --name."
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

    let repository: TokenRepository
    let now: @Sendable () -> Date

    public init(repository: TokenRepository, now: @escaping @Sendable () -> Date) {
        self.repository = repository
        self.now = now
    }

    /// Creates a token and returns it with its secret, which exists nowhere else afterwards.
    public func create(name: String) async throws -> (token: APIToken, secret: String) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Failure.blankName }
        let secret = "lg_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.hexString
        let token = APIToken(id: UUID().uuidString.lowercased(), name: trimmed, createdAtMillis: now().millis)
        guard try await repository.insert(token, secretHash: Self.hash(secret)) else {
            throw Failure.nameTaken(trimmed)
        }
        return (token, secret)
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

    static func hash(_ secret: String) -> String {
        Data(SHA256.hash(data: Data(secret.utf8))).hexString
    }
}
