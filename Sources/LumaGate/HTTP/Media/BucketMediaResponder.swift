import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import NIOHTTP1

/// Serves stored media from the bucket through the gateway: the object's GET streamed to the
/// client as it arrives (never held whole), with the client's `Range` and validators passed on,
/// so players can seek in a video of any size.
struct BucketMediaResponder: Sendable {
    let bucket: S3Bucket

    /// The object of media path `path` as the answer to `request`; a 404 when there is none.
    func response(for path: String, request: Request, type: String? = nil) async throws -> Response {
        var forwarded: [(String, String)] = []
        for name in [HTTPField.Name.range, .ifNoneMatch, .ifModifiedSince, .ifRange] {
            if let value = request.headers[name] { forwarded.append((name.rawName.lowercased(), value)) }
        }
        let upstream: HTTPClientResponse
        do {
            upstream = try await bucket.stream(path, headers: forwarded)
        } catch {
            throw GatewayError(status: .badGateway, code: "media_unavailable", detail: "The media store did not deliver \(path); try again later.")
        }
        guard upstream.status.code != 404 else { throw GatewayError.notFound("No media file at /media/\(path).") }
        var headers: HTTPFields = [.acceptRanges: "bytes", .init("X-Content-Type-Options")!: "nosniff",
                                   .contentSecurityPolicy: "default-src 'none'; sandbox"]
        headers[.contentType] = type ?? MediaStore.contentType(of: path)
        for name in ["content-length", "content-range", "etag", "last-modified"] {
            if let value = upstream.headers.first(name: name) { headers[HTTPField.Name(name)!] = value }
        }
        let status = HTTPResponse.Status(code: Int(upstream.status.code))
        if request.method == .head || status == .notModified || status == .rangeNotSatisfiable {
            return Response(status: status, headers: headers)
        }
        return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: upstream.body))
    }
}
