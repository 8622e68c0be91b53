import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Turns every error into the JSON error of the face the path belongs to. Anything that is not a
/// `GatewayError` or a framework HTTP error is logged in full and answered with a bare 500: no
/// stack traces, no upstream details reach a client. A path no route has is a 404; a path asked
/// with a method its route does not answer is a 405 that names the methods it does.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    /// Each face's shape by its path prefix (`/luma`), longest first; other paths get
    /// `DetailErrorShape`.
    let shapes: [(prefix: String, shape: any ErrorShape)]

    init(routes: RouteTable, shapes: [(prefix: String, shape: any ErrorShape)] = []) {
        self.routes = routes
        self.shapes = shapes.sorted { $0.prefix.utf8.count > $1.prefix.utf8.count }
    }

    /// The shape of the face whose prefix is the path or a folder of it.
    func shape(at path: String) -> any ErrorShape {
        shapes.first { path.hasPrefix($0.prefix) && (path.utf8.count == $0.prefix.utf8.count || path.dropFirst($0.prefix.count).first == "/") }?
            .shape ?? DetailErrorShape()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let shape = shape(at: request.uri.path)
        func response(for error: GatewayError) -> Response { Self.response(for: error, shape: shape, requestID: Self.requestID(context)) }
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            return response(for: error)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(at: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else {
                return response(for: Self.translate(error, request: request))
            }
            var answer = response(
                for: .methodNotAllowed(
                    "\(request.method) is not allowed on \(request.uri.path); use \(allowed.joined(separator: ", "))."))
            answer.headers[.allow] = allowed.joined(separator: ", ")
            return answer
        } catch let error as HTTPError {
            return response(for: Self.translate(error, request: request))
        } catch is NIOTooManyBytesError {
            // A body collected with a bound (a chunked one has no length to refuse it by up front).
            return response(for: .payloadTooLarge("The request body is larger than this gateway accepts on \(request.uri.path)."))
        } catch is HTTPParserError {
            // The body stopped short: the client closed its connection, or the edge did because it
            // sent too slowly (`ConnectionDeadlines`). The client's doing, not the gateway's fault,
            // and no one is left to read the answer.
            context.logger.debug("request body cut short on \(request.method) \(RequestLogMiddleware<Context>.loggable(request.uri.path))")
            return response(
                for: GatewayError(
                    status: .badRequest, code: "incomplete_body",
                    detail: "The request body ended before it was complete."))
        } catch {
            context.logger.error(
                "unhandled error on \(request.method) \(RequestLogMiddleware<Context>.loggable(request.uri.path)): \(String(reflecting: error))")
            return response(
                for: GatewayError(
                    status: .internalServerError, code: "internal_error",
                    detail: "The gateway hit an unexpected error; it has been logged. Try again, and report it if it persists."))
        }
    }

    static func response(for error: GatewayError, shape: any ErrorShape, requestID: String? = nil) -> Response {
        var response = Response.json(shape.body(for: error, requestID: requestID), status: shape.status(for: error))
        if let retryAfter = error.retryAfterSeconds {
            response.headers[.retryAfter] = String(retryAfter)
        }
        return response
    }

    /// The id `RequestLogMiddleware` gave the request.
    static func requestID(_ context: Context) -> String? {
        if case .string(let id) = context.logger[metadataKey: "request_id"] { return id }
        return nil
    }

    /// Errors the framework raises itself (no route, body too large, bad range) in our shape.
    private static func translate(_ error: HTTPError, request: Request) -> GatewayError {
        switch error.status {
        case .notFound:
            return .notFound("No route \(request.method) \(request.uri.path). The API is described at /openapi.json.")
        case .contentTooLarge:
            return .payloadTooLarge("The request body is larger than this gateway accepts.")
        case .methodNotAllowed:
            return .methodNotAllowed("\(request.method) is not allowed on \(request.uri.path).")
        case .rangeNotSatisfiable:
            return GatewayError(
                status: .rangeNotSatisfiable, code: "range_not_satisfiable",
                detail: "The requested byte range is outside the file.")
        default:
            let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            return GatewayError(
                status: error.status, code: code.isEmpty ? "http_error" : code,
                detail: error.body ?? "The request could not be served (\(error.status.code)).")
        }
    }
}
