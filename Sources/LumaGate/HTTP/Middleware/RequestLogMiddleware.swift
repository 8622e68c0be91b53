import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// One log line per request: method, path, status and time taken, under a request id: the
/// client's `X-Request-Id` when it sends a usable one, else a new one. The id is echoed in the
/// response and carried by every log line written while the request is handled.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }
    static var maxIDLength: Int { 128 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = NIODeadline.now()
        let id = Self.requestID(from: request.headers[Self.header])
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        let elapsed = Double((NIODeadline.now() - start).nanoseconds) / 1_000_000
        context.logger.info("\(request.method) \(Self.loggable(request.uri.path)) \(response.status.code) \(String(format: "%.1f", elapsed))ms")
        return response
    }

    /// The path as it may be logged: an upstream callback's path holds its task's secret, which
    /// would let whoever reads the log forge that task's state changes.
    static func loggable(_ path: String) -> String {
        let callbacks = "/callbacks/"
        guard path.hasPrefix(callbacks), let slash = path.dropFirst(callbacks.count).firstIndex(of: "/") else { return path }
        return String(path[..<slash]) + "/[redacted]"
    }

    /// The client's id if it is 1 to 128 visible ASCII characters, else a fresh one.
    static func requestID(from value: String?) -> String {
        if let value, !value.isEmpty, value.utf8.count <= maxIDLength, value.utf8.allSatisfy({ (0x21..<0x7F).contains($0) }) {
            return value
        }
        return RequestIDs.next()
    }
}
