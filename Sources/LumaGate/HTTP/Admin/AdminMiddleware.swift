import Hummingbird

/// Lets only admin tokens through (after `AuthMiddleware` has accepted the token).
struct AdminMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard try context.requireToken().isAdmin else {
            throw GatewayError.forbidden("This route is for admin tokens; an operator makes one with `lumagate token create --name NAME --admin`.")
        }
        return try await next(request, context)
    }
}
