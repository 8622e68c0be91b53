import Hummingbird

/// Refuses a query string whose parameters hold a NUL (`%00`) with a 400 naming the parameter,
/// as request bodies are (`JSONRequestBody.refuseNUL`): no parameter has a use for one, and
/// PostgreSQL refuses it in text (an admin list filtered by `channel=%00` was a 500).
struct QueryNULMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let query = request.uri.query, query.contains("%00"),
            let holder = request.uri.queryParameters.first(where: { $0.value.utf8.contains(0) })
        {
            // Names are not percent-decoded: only a value can hold a NUL.
            throw GatewayError.invalidRequest("Query parameter `\(holder.key)` holds a NUL character (%00), which no parameter here may hold.")
        }
        return try await next(request, context)
    }
}
