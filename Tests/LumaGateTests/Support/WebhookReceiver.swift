import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A client's webhook endpoint on 127.0.0.1: records every POST in arrival order and answers
/// 500 to the first `failFirst` of them.
final class WebhookReceiver: Sendable {
    struct Post: Sendable {
        var path: String
        var headers: [(String, String)]
        var body: Data

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    private final class Log: Sendable {
        let posts = Mutex<[Post]>([])
        let failuresLeft: Mutex<Int>
        init(failFirst: Int) { failuresLeft = Mutex(failFirst) }
    }

    let url: String
    private let log: Log
    private let server: LocalServer

    var received: [Post] { log.posts.withLock { $0 } }

    func received(at path: String) -> [Post] { received.filter { $0.path == path } }

    static func start(failFirst: Int = 0) async throws -> WebhookReceiver {
        let log = Log(failFirst: failFirst)
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            let headers = request.headers.map { ($0.name.rawName, $0.value) }
            log.posts.withLock { $0.append(Post(path: request.uri.path, headers: headers, body: body)) }
            let fail = log.failuresLeft.withLock { remaining in
                defer { remaining = max(remaining - 1, 0) }
                return remaining > 0
            }
            return Response(status: fail ? .internalServerError : .noContent)
        }
        let server = try await LocalServer.start(router, label: "the webhook receiver")
        return WebhookReceiver(url: server.baseURL, log: log, server: server)
    }

    private init(url: String, log: Log, server: LocalServer) {
        self.url = url
        self.log = log
        self.server = server
    }

    /// Waits until `count` posts arrived at `path`, and returns them. The bound is generous: with
    /// every suite running on PostgreSQL, a retried delivery has waited more than 30 s for its turn.
    func wait(for count: Int, at path: String, timeout: Duration = .seconds(90)) async throws -> [Post] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let posts = received(at: path)
            if posts.count >= count { return posts }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("\(received(at: path).count) of \(count) webhooks arrived at \(path)")
    }

    func stop() async {
        await server.stop()
    }
}
