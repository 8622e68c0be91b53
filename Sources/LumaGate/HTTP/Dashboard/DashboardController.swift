import Hummingbird

/// Serves the web dashboard: one page, one script, one stylesheet, all compiled into the binary
/// so a deployment is still a single file. The page is public; every API call it makes carries
/// the token the user pasted, so it can do no more than that token can.
struct DashboardController {
    func register(on router: Router<GatewayRequestContext>) {
        // The router drops empty path components, so this also answers `/dashboard/`.
        router.get("dashboard") { _, _ in Self.asset(DashboardAssets.indexHTML, type: "text/html; charset=utf-8") }
        router.get("dashboard/app.js") { _, _ in Self.asset(DashboardAssets.appJS, type: "text/javascript; charset=utf-8") }
        router.get("dashboard/style.css") { _, _ in Self.asset(DashboardAssets.styleCSS, type: "text/css; charset=utf-8") }
    }

    private static func asset(_ text: String, type: String) -> Response {
        let buffer = ByteBuffer(string: text)
        return Response(
            status: .ok,
            headers: [
                .contentType: type, .contentLength: String(buffer.readableBytes),
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
            ],
            body: .init(byteBuffer: buffer))
    }
}
