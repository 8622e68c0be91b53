import Foundation
import Hummingbird

/// Stands in front of the media: only a stored file is served (a folder or a dot-file such as a
/// render's marker is a 404, never a listing or a redirect), and every file goes out with
/// `nosniff` and a sandboxing policy, so no stored byte is ever run as a page. With a media
/// folder (`root`) the file must exist there; a bucket's objects are answered by
/// `BucketMediaResponder`, which sets the same headers.
struct MediaGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let root: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/media" || path.hasPrefix("/media/") else { return try await next(request, context) }
        let components = path.dropFirst("/media".count).split(separator: "/")
        guard !components.isEmpty, !components.contains(where: { $0.hasPrefix(".") }) else {
            throw GatewayError.notFound("No media file at \(path).")
        }
        guard let root else { return try await next(request, context) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root + "/" + components.joined(separator: "/"), isDirectory: &isDirectory),
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
