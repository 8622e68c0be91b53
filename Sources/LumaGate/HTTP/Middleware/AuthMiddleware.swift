import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>`, holds the token to its requests-per-minute limit,
/// and puts the accepted token in the context.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let tokens: TokenService
    let rateLimiter: RequestRateLimiter
    /// For tokens without a limit of their own; nil is no limit.
    let defaultRequestsPerMinute: Int?
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw GatewayError.unauthorized("Missing Authorization header: send Authorization: Bearer <token>.")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw GatewayError.unauthorized("The Authorization header must be \"Bearer <token>\".")
        }
        let secret = parts[1].trimmingCharacters(in: .whitespaces)
        switch try await tokens.check(secret: secret) {
        case .valid(let token):
            if let limit = token.requestsPerMinute ?? defaultRequestsPerMinute,
               let retryAfter = try await rateLimiter.delay(for: token.id, perMinute: limit, now: now()) {
                throw GatewayError.rateLimited(
                    "This token is limited to \(limit) requests a minute; try again in \(retryAfter) s.", retryAfterSeconds: retryAfter)
            }
            var context = context
            context.token = token
            return try await next(request, context)
        case .revoked:
            throw GatewayError.tokenDisabled("This token has been revoked; ask the gateway operator for a new one.")
        case .unknown:
            throw GatewayError.unauthorized("This token is not valid for this gateway.")
        }
    }
}
