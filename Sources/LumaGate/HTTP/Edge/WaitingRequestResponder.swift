import Hummingbird

/// Answers a request that may wait long (a stream, a request with `Prefer: wait`) in a task of its
/// own. A connection's task keeps the deepest stack any of its requests needed for as long as the
/// connection lives: the routes' and middleware's frames cost a held connection about 20 KiB more
/// when they run in it (measured with 3,000 connections). Other requests run inline: a task each
/// would cost the poll path about a tenth of its throughput.
public struct WaitingRequestResponder<Base: HTTPResponder>: HTTPResponder where Base.Context: Sendable {
    let base: Base

    public func respond(to request: Request, context: Base.Context) async throws -> Response {
        guard request.headers[.prefer] != nil || request.uri.path.hasSuffix("/stream") else {
            return try await base.respond(to: request, context: context)
        }
        let base = self.base
        return try await withThrowingTaskGroup(of: Response.self) { group in
            group.addTask { try await base.respond(to: request, context: context) }
            return try await group.next()!
        }
    }
}
