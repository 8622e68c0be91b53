import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// What an attacker puts behind a URL, on 127.0.0.1: images that are not what they claim, a body
/// that drips, redirects to where the gateway must not go, an answer that must not leak, and an
/// MP4 whose box sizes lie. Counts the requests each path gets.
final class HostileServer: Sendable {
    private let server: LocalServer
    private final class Hits: Sendable {
        let counts = Mutex<[String: Int]>([:])
    }
    private let hits: Hits

    func hits(_ path: String) -> Int { hits.counts.withLock { $0[path, default: 0] } }

    /// A PNG header claiming `width`×`height` pixels, followed by nothing worth decoding.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        for value in [width, height] { bytes += withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        bytes += [8, 6, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 64)
        return Data(bytes)
    }

    /// An `ftyp` box, then a box whose 64-bit size is near Int64.max.
    static let craftedMP4: Data = {
        var bytes: [UInt8] = [0, 0, 0, 16] + Array("ftypisom".utf8) + [0, 0, 2, 0]
        bytes += [0, 0, 0, 1] + Array("free".utf8) + [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0]
        bytes += [UInt8](repeating: 0, count: 64)
        return Data(bytes)
    }()

    static func start() async throws -> HostileServer {
        let hits = Hits()
        let png = try Fixtures.data("first-frame.png")
        let router = Router()
        router.middlewares.add(CountingMiddleware(hits: hits))
        let bytes: @Sendable (Data, String) -> Response = { data, type in
            Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        router.get("image.png") { _, _ in bytes(png, "image/png") }
        router.get("polyglot.png") { _, _ in bytes(png + Data("<html><script>alert(document.cookie)</script></html>".utf8), "image/png") }
        router.get("signature.png") { _, _ in bytes(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(count: 32), "image/png") }
        router.get("huge.png") { _, _ in bytes(pngHeader(width: 16000, height: 16000), "image/png") }
        router.get("crafted.mp4") { _, _ in bytes(craftedMP4, "video/mp4") }
        router.get("secret") { _, _ in
            Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "internal-answer-418")))
        }
        // `?to=URL` answers a redirect there, for any method.
        router.on("redirect", method: .get) { request, _ in redirect(request) }
        router.on("redirect", method: .post) { request, _ in redirect(request) }
        // Headers at once, then one byte every half second for a minute.
        router.get("drip") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "image/png"],
                body: .init { writer in
                    for _ in 0..<120 {
                        try await writer.write(ByteBuffer(bytes: [0x89]))
                        try await Task.sleep(for: .milliseconds(500))
                    }
                    try await writer.finish(nil)
                })
        }
        return HostileServer(server: try await LocalServer.start(router, label: "the hostile server"), hits: hits)
    }

    private static func redirect(_ request: Request) -> Response {
        Response(status: .temporaryRedirect, headers: [.location: request.uri.queryParameters.get("to") ?? "/"])
    }

    private init(server: LocalServer, hits: Hits) {
        self.server = server
        self.hits = hits
    }

    var baseURL: String { server.baseURL }

    func stop() async {
        await server.stop()
    }

    private struct CountingMiddleware: RouterMiddleware {
        typealias Context = BasicRequestContext
        let hits: Hits
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            hits.counts.withLock { $0[request.uri.path, default: 0] += 1 }
            return try await next(request, context)
        }
    }
}
