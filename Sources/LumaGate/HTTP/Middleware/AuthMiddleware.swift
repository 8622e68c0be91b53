import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <token>` (or, on a face whose clients send it so, `x-api-key:
/// <token>`), holds the token to its requests-per-minute limit, and puts the accepted token in the
/// context.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let tokens: TokenService
    let rateLimiter: RequestRateLimiter
    /// For tokens without a limit of their own; nil is no limit.
    let defaultRequestsPerMinute: Int?
    let now: @Sendable () -> Date
    var acceptsAPIKeyHeader = false

    static let apiKeyHeader = HTTPField.Name("x-api-key")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let secret: String
        if let header = request.headers[.authorization] {
            guard let bearer = Self.bearerSecret(header) else {
                throw GatewayError.unauthorized("The Authorization header must be \"Bearer <token>\".")
            }
            // Two credentials must agree: a wrong one is refused, not passed over for the other.
            if acceptsAPIKeyHeader, let key = request.headers[Self.apiKeyHeader], key.trimmingCharacters(in: .whitespaces) != bearer {
                throw GatewayError.unauthorized("The x-api-key and Authorization headers hold different tokens; send one token.")
            }
            secret = bearer
        } else if acceptsAPIKeyHeader, let key = request.headers[Self.apiKeyHeader], !key.isEmpty {
            secret = key.trimmingCharacters(in: CharacterSet.whitespaces)
        } else {
            throw GatewayError.unauthorized(
                acceptsAPIKeyHeader
                    ? "Missing x-api-key header: send x-api-key: <token>." : "Missing Authorization header: send Authorization: Bearer <token>.")
        }
        switch try await tokens.check(secret: secret) {
        case .valid(let token):
            if let limit = token.requestsPerMinute ?? defaultRequestsPerMinute,
                let retryAfter = try await rateLimiter.delay(for: token.id, perMinute: limit, now: now())
            {
                throw GatewayError.rateLimited(
                    "This token is limited to \(limit) requests a minute; try again in \(retryAfter) s.", retryAfterSeconds: retryAfter)
            }
            var context = context
            context.token = token
            return try await next(request, context)
        case .revoked:
            throw GatewayError.tokenRevoked
        case .unknown:
            throw GatewayError.unauthorized("This token is not valid for this gateway.")
        }
    }

    /// The secret of `Bearer <secret>` (scheme in any case, spaces and tabs around the secret).
    /// Read byte by byte: Foundation's trimming cost a twentieth of a task query's time.
    static func bearerSecret(_ header: String) -> String? {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let bytes = header.utf8
        guard let schemeStart = bytes.firstIndex(where: { !blank($0) }) else { return nil }
        let afterScheme = bytes[schemeStart...].firstIndex(where: blank) ?? bytes.endIndex
        guard String(header[schemeStart..<afterScheme]).lowercased() == "bearer",
            let secretStart = bytes[afterScheme...].firstIndex(where: { !blank($0) }),
            let last = bytes[secretStart...].lastIndex(where: { !blank($0) })
        else { return nil }
        return String(header[secretStart...last])
    }
}
