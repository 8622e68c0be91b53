import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A stand-in for Luma's Dream Machine API on 127.0.0.1: the official wire format, scripted by
/// words in the prompt.
///
/// - `reject`: the submit is refused with 400 and a `detail`.
/// - `busy`: the first submit answers 429 with `Retry-After: 1`.
/// - `flaky`: the first two polls answer 500, then a body that is not JSON.
/// - `moderate`: the generation fails with a moderation reason.
/// - `slow`: the first poll answers only after 4 s.
/// Generations are queued for `queuedSeconds`, dreaming for `dreamingSeconds`, then completed
/// with a real MP4 (not faststart: `moov` after `mdat`) and a JPEG served with Range support.
/// With `submitStatus`, every submit is answered with that status instead (an account in trouble).
/// With `chaos` (a probability), any call may answer 429 or 500 or hang for 2 s, and a generation
/// may fail. With `fileFailures`, the first that many requests for media files answer 503.
final class FakeDreamMachine: Sendable {
    static let apiKey = "test-luma-key"

    struct Generation: Sendable {
        var id: String
        /// The path it was created through, e.g. /dream-machine/v1/generations/image.
        var path: String
        var prompt: String
        var created: Date
        /// The submit body as received.
        var requestBody: Data
        var polls = 0

        var request: [String: Any] { (try? JSONSerialization.jsonObject(with: requestBody)) as? [String: Any] ?? [:] }
        var makesImage: Bool { path.hasSuffix("/generations/image") || path.hasSuffix("/image/reframe") }
    }

    struct Call: Sendable {
        var method: String
        var path: String
        var authorization: String?
        /// Names the gateway process that called (`lumagate (<host>-<pid>)`).
        var userAgent: String?
        var at = Date()
    }

    let baseURL: String
    let queuedSeconds: Double
    let dreamingSeconds: Double
    private final class State: Sendable {
        let generations = Mutex<[String: Generation]>([:])
        let calls = Mutex<[Call]>([])
        let rateLimitedPrompts = Mutex<Set<String>>([])
        let baseURL = Mutex<String>("")
    }

    private let state: State
    private let server: LocalServer

    var recordedCalls: [Call] { state.calls.withLock { $0 } }
    func generation(_ id: String) -> Generation? { state.generations.withLock { $0[id] } }
    func forget(_ id: String) { _ = state.generations.withLock { $0.removeValue(forKey: id) } }
    var allGenerations: [Generation] { state.generations.withLock { Array($0.values) } }

    static func start(
        queuedSeconds: Double = 0.3, dreamingSeconds: Double = 0.3, submitStatus: Int? = nil, chaos: Double? = nil, fileFailures: Int = 0
    ) async throws -> FakeDreamMachine {
        let files = TestGateway.temporaryDirectory()
        try await Self.makeMedia(in: files)
        let state = State()

        let router = Router()
        router.add(middleware: FailingFilesMiddleware(failures: fileFailures))
        router.add(middleware: FileMiddleware(files, urlBasePath: "/files"))
        let create: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            state.calls.withLock {
                $0.append(
                    Call(
                        method: "POST", path: request.uri.path, authorization: request.headers[.authorization], userAgent: request.headers[.userAgent]
                    ))
            }
            guard request.headers[.authorization] == "Bearer \(apiKey)" else { return json(401, ["detail": "Invalid API key"]) }
            if let submitStatus { return json(submitStatus, ["detail": "Scripted failure"]) }
            if let chaos, let trouble = try await trouble(chaos) { return trouble }
            if let source = context.parameters.get("id"), state.generations.withLock({ $0[source] }) == nil {
                return json(404, ["detail": "Generation not found"])
            }
            let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            let isVideo = request.uri.path.hasSuffix("/generations")
            guard let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let prompt = body["prompt"] as? String ?? (isVideo ? nil : "")
            else {
                return json(400, ["detail": "Invalid request body"])
            }
            if prompt.contains("reject") { return json(400, ["detail": "Prompt is not allowed"]) }
            if prompt.contains("busy"), state.rateLimitedPrompts.withLock({ $0.insert(prompt).inserted }) {
                return json(429, ["detail": "Too many requests"], headers: [.retryAfter: "1"])
            }
            let id = UUID().uuidString.lowercased()
            var generation = Generation(id: id, path: request.uri.path, prompt: prompt, created: Date(), requestBody: data)
            if let chaos, Double.random(in: 0..<1) < chaos { generation.prompt += " moderate" }
            state.generations.withLock { $0[id] = generation }
            if let callbackURL = body["callback_url"] as? String {
                let base = state.baseURL.withLock { $0 }
                Task {
                    await deliverCallbacks(
                        for: generation, to: callbackURL, queuedSeconds: queuedSeconds, dreamingSeconds: dreamingSeconds, base: base)
                }
            }
            return json(
                201,
                [
                    "id": id, "state": "queued", "failure_reason": NSNull(), "created_at": "2026-01-01T00:00:00Z",
                    "assets": NSNull(), "model": body["model"] ?? NSNull(), "request": body,
                ])
        }
        for path in [
            "generations", "generations/image", "generations/:id/upscale", "generations/:id/audio",
            "generations/video/modify", "generations/video/reframe", "generations/image/reframe",
        ] {
            router.post(RouterPath("dream-machine/v1/" + path), use: create)
        }
        router.get("dream-machine/v1/credits") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer \(apiKey)" else { return json(401, ["detail": "Invalid API key"]) }
            return json(200, ["credit_balance": 1234.5])
        }
        // Luma's delete: the generation stops and is gone.
        router.delete("dream-machine/v1/generations/:id") { request, context -> Response in
            state.calls.withLock {
                $0.append(
                    Call(
                        method: "DELETE", path: request.uri.path, authorization: request.headers[.authorization],
                        userAgent: request.headers[.userAgent]))
            }
            guard request.headers[.authorization] == "Bearer \(apiKey)" else { return json(401, ["detail": "Invalid API key"]) }
            let id = try context.parameters.require("id")
            guard state.generations.withLock({ $0.removeValue(forKey: id) }) != nil else { return json(404, ["detail": "Generation not found"]) }
            return Response(status: .noContent)
        }
        router.get("dream-machine/v1/generations/:id") { request, context -> Response in
            state.calls.withLock {
                $0.append(
                    Call(
                        method: "GET", path: request.uri.path, authorization: request.headers[.authorization], userAgent: request.headers[.userAgent])
                )
            }
            guard request.headers[.authorization] == "Bearer \(apiKey)" else { return json(401, ["detail": "Invalid API key"]) }
            let id = try context.parameters.require("id")
            guard var generation = state.generations.withLock({ $0[id] }) else { return json(404, ["detail": "Generation not found"]) }
            if let chaos, let trouble = try await trouble(chaos) { return trouble }
            generation.polls += 1
            state.generations.withLock { $0[id] = generation }
            if generation.prompt.contains("slow"), generation.polls == 1 {
                try await Task.sleep(for: .seconds(4))
            }
            if generation.prompt.contains("flaky") {
                if generation.polls <= 2 { return json(500, ["detail": "Internal error"]) }
                if generation.polls == 3 { return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>oops"))) }
            }
            let object = generationObject(
                generation, age: Date().timeIntervalSince(generation.created),
                queuedSeconds: queuedSeconds, dreamingSeconds: dreamingSeconds, base: state.baseURL.withLock { $0 })
            return json(200, object)
        }

        let server = try await LocalServer.start(router, label: "the fake Dream Machine")
        state.baseURL.withLock { $0 = server.baseURL }
        return FakeDreamMachine(
            baseURL: server.baseURL, queuedSeconds: queuedSeconds, dreamingSeconds: dreamingSeconds, state: state, server: server)
    }

    private init(baseURL: String, queuedSeconds: Double, dreamingSeconds: Double, state: State, server: LocalServer) {
        self.baseURL = baseURL
        self.queuedSeconds = queuedSeconds
        self.dreamingSeconds = dreamingSeconds
        self.state = state
        self.server = server
    }

    func stop() async {
        await server.stop()
    }

    /// The API's base URL, as a gateway is configured with it.
    var apiURL: String { baseURL + "/dream-machine/v1" }

    /// The Generation object as it stands `age` seconds after the submit.
    private static func generationObject(
        _ generation: Generation, age: Double, queuedSeconds: Double, dreamingSeconds: Double, base: String
    ) -> [String: Any] {
        var object: [String: Any] = [
            "id": generation.id, "generation_type": generation.makesImage ? "image" : "video", "created_at": "2026-01-01T00:00:00Z",
            "failure_reason": NSNull(), "assets": NSNull(), "model": "ray-2",
        ]
        if age < queuedSeconds {
            object["state"] = "queued"
        } else if age < queuedSeconds + dreamingSeconds {
            object["state"] = "dreaming"
        } else if generation.prompt.contains("moderate") {
            object["state"] = "failed"
            object["failure_reason"] = "Prompt flagged by content moderation"
        } else if generation.prompt.contains("nul byte") {
            // What no text column on PostgreSQL can hold.
            object["state"] = "failed"
            object["failure_reason"] = "Worker\u{0}crashed"
        } else {
            object["state"] = "completed"
            object["assets"] =
                generation.makesImage
                ? ["image": "\(base)/files/thumb.jpg"]
                : ["video": "\(base)/files/video.mp4", "image": "\(base)/files/thumb.jpg"]
        }
        return object
    }

    /// Posts like Luma: dreaming, then the final state; then, as real networks do, the final
    /// state again and a late, stale dreaming.
    private static func deliverCallbacks(
        for generation: Generation, to url: String, queuedSeconds: Double, dreamingSeconds: Double, base: String
    ) async {
        let dreaming = generationObject(generation, age: queuedSeconds, queuedSeconds: queuedSeconds, dreamingSeconds: dreamingSeconds, base: base)
        let final = generationObject(
            generation, age: queuedSeconds + dreamingSeconds, queuedSeconds: queuedSeconds, dreamingSeconds: dreamingSeconds, base: base)
        let schedule: [(Double, [String: Any])] = [(queuedSeconds, dreaming), (dreamingSeconds, final), (0.05, final), (0.05, dreaming)]
        for (delay, object) in schedule {
            try? await Task.sleep(for: .seconds(delay))
            guard let data = try? JSONSerialization.data(withJSONObject: object) else { continue }
            _ = try? await TestGateway.request(.POST, url, body: data, headers: [("Content-Type", "application/json")])
        }
    }

    /// With probability `chaos`, one of the ways real upstreams misbehave.
    private static func trouble(_ chaos: Double) async throws -> Response? {
        guard Double.random(in: 0..<1) < chaos else { return nil }
        switch Int.random(in: 0..<3) {
        case 0: return json(429, ["detail": "Too many requests"], headers: [.retryAfter: "1"])
        case 1: return json(500, ["detail": "Internal error"])
        default:
            try await Task.sleep(for: .seconds(2))
            return json(503, ["detail": "Timed out"])
        }
    }

    private static func json(_ status: Int, _ object: [String: Any], headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// A 1360×752, 121-frame MP4 without faststart, and a JPEG thumbnail, made by ffmpeg.
    private static func makeMedia(in directory: String) async throws {
        for arguments in [
            [
                "-f", "lavfi", "-i", "testsrc2=s=1360x752:r=24", "-frames:v", "121", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "video.mp4",
            ],
            ["-f", "lavfi", "-i", "testsrc2=s=1360x752", "-frames:v", "1", "thumb.jpg"],
        ] {
            try await FFmpegFixture.make(arguments, in: directory)
        }
    }
}

/// Answers the first requests for media files with 503, as an overloaded file host does.
private struct FailingFilesMiddleware: RouterMiddleware {
    private final class Budget: Sendable {
        let left: Mutex<Int>
        init(_ count: Int) { left = Mutex(count) }
    }

    private let budget: Budget

    init(failures: Int) {
        budget = Budget(failures)
    }

    func handle(
        _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        let fails =
            request.uri.path.hasPrefix("/files/")
            && budget.left.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
        return fails ? Response(status: .serviceUnavailable) : try await next(request, context)
    }
}
