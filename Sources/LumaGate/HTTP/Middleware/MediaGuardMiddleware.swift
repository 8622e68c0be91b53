import Foundation
import Hummingbird

/// Stands in front of the media files: only a file that exists is served (a folder or a dot-file
/// such as a render's marker is a 404, never a listing or a redirect), and every file goes out
/// with `nosniff` and a sandboxing policy, so no stored byte is ever run as a page.
struct MediaGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let root: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/media" || path.hasPrefix("/media/") else { return try await next(request, context) }
        let components = path.dropFirst("/media".count).split(separator: "/")
        var isDirectory: ObjCBool = false
        guard !components.isEmpty, !components.contains(where: { $0.hasPrefix(".") }),
              FileManager.default.fileExists(atPath: root + "/" + components.joined(separator: "/"), isDirectory: &isDirectory),
              !isDirectory.boolValue
        else {
            throw GatewayError.notFound("No media file at \(path).")
        }
        var response = try await next(request, context)
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        return response
    }
}
