import Hummingbird

/// Answers HEAD as the same GET would, without its body, so every GET route and media file also
/// answers HEAD as HTTP expects. It stands before the router, which picks a route by method; the
/// context tells a route that only the headers are wanted.
public struct HeadResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == GatewayRequestContext {
    let base: Base

    public func respond(to request: Request, context: Base.Context) async throws -> Response {
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var context = context
        context.isHead = true
        let response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        var headers = response.headers
        if headers[.contentLength] == nil, let length = response.body.contentLength {
            headers[.contentLength] = String(length)
        }
        // A new response keeps the GET's Content-Length; assigning an empty body would set it to 0.
        return Response(status: response.status, headers: headers)
    }
}
