import Crypto
import Hummingbird

/// Serves the web dashboard: one page, one script, one stylesheet (the files in `Assets/`),
/// embedded into the binary at build time so a deployment is still a single file. The page is
/// public; every API call it makes carries the token the user pasted, so it can do no more than
/// that token can.
struct DashboardController {
    private struct Asset {
        let body: ByteBuffer
        let type: String
        /// The content's hash: a browser revalidates with it and gets a 304 while the binary is the same.
        let etag: String

        init(_ bytes: [UInt8], type: String) {
            body = ByteBuffer(bytes: bytes)
            self.type = type
            etag = "\"" + SHA256.hash(data: bytes).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
        }
    }

    private static let page = Asset(PackageResources.index_html, type: "text/html; charset=utf-8")
    private static let script = Asset(PackageResources.app_js, type: "text/javascript; charset=utf-8")
    private static let stylesheet = Asset(PackageResources.style_css, type: "text/css; charset=utf-8")

    func register(on router: Router<GatewayRequestContext>) {
        // The router drops empty path components, so this also answers `/dashboard/`.
        router.get("dashboard") { request, _ in Self.serve(Self.page, to: request) }
        router.get("dashboard/app.js") { request, _ in Self.serve(Self.script, to: request) }
        router.get("dashboard/style.css") { request, _ in Self.serve(Self.stylesheet, to: request) }
    }

    private static func serve(_ asset: Asset, to request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: asset.type, .eTag: asset.etag,
            // The assets change with the binary, not with a URL: revalidating keeps an upgraded
            // gateway from pairing a new page with a cached old script.
            .cacheControl: "no-cache",
            .init("X-Content-Type-Options")!: "nosniff",
            // The page reads the token from localStorage; refusing frames keeps other sites
            // from wrapping it.
            .init("X-Frame-Options")!: "DENY",
            // Scripts only from the gateway itself: nothing a task's prompt or an upstream's
            // answer holds can run in the page that holds an admin's token.
            .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data: http: https:; media-src 'self' http: https:; connect-src 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ]
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag }) == true {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(asset.body.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
