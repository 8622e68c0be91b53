import Hummingbird

/// Answers HEAD as the same GET would, without its body, so every GET route and media file also
/// answers HEAD as HTTP expects. It stands before the router, which picks a route by method.
public struct HeadResponder<Base: HTTPResponder>: HTTPResponder {
    let base: Base

    public func respond(to request: Request, context: Base.Context) async throws -> Response {
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        if response.headers[.contentLength] == nil, let length = response.body.contentLength {
            response.headers[.contentLength] = String(length)
        }
        response.body = ResponseBody()
        return response
    }
}
