import Hummingbird
import Logging
import NIOCore

/// One log line per request: method, path, status and time taken.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = NIODeadline.now()
        let response = try await next(request, context)
        let elapsed = Double((NIODeadline.now() - start).nanoseconds) / 1_000_000
        context.logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", elapsed))ms")
        return response
    }
}
