import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A stand-in for Luma's Agents API on 127.0.0.1: the wire format of `luma-agents` 0.5.0
/// (`POST /v1/generations`, `GET /v1/generations/{id}`, `detail` errors) for ray-3.2 videos and
/// uni-1 images, scripted by words in the prompt.
///
/// - `reject`: the submit is refused with 400 and a `detail`; `unprocessable`: 422 with a list of
///   field errors, as Luma's validation sends them.
/// - `busy`: the first submit answers 429 (requests per minute) with `Retry-After: 1`;
///   `crowded`: the first two answer 429 (concurrent generations), without `Retry-After`.
/// - `overloaded`: the first submit answers 502.
/// - `fail:<code>`: the generation fails with that `failure_code`.
/// Generations are queued for `queuedSeconds`, processing for `processingSeconds`, then completed
/// with a real MP4 behind a presigned-style URL that answers 403 once `outputLifetime` has passed
/// since the poll that handed it out (and, with `exr_export`, an OpenEXR file beside it). With `submitStatus`, every submit answers that status (an
/// account in trouble); with `outputFailures`, the first that many output downloads answer 503.
final class FakeLumaAgents: Sendable {
    static let apiKey = "luma-api-test-agents-key"

    struct Generation: Sendable {
        var id: String
        var prompt: String
        var created: Date
        /// The submit body as received.
        var requestBody: Data

        var request: [String: Any] { (try? JSONSerialization.jsonObject(with: requestBody)) as? [String: Any] ?? [:] }
        var video: [String: Any] { request["video"] as? [String: Any] ?? [:] }
    }

    private final class State: Sendable {
        let generations = Mutex<[String: Generation]>([:])
        let submits = Mutex<Int>(0)
        let scripted = Mutex<[String: Int]>([:])
        let outputFailuresLeft: Mutex<Int>
        let outputsHandedOut = Mutex<[String]>([])
        let baseURL = Mutex<String>("")
        init(outputFailures: Int) { outputFailuresLeft = Mutex(outputFailures) }
    }

    let baseURL: String
    private let state: State
    private let server: LocalServer

    var apiURL: String { baseURL + "/v1" }
    var allGenerations: [Generation] { state.generations.withLock { Array($0.values) } }
    /// Submits received, accepted or not.
    var submitCount: Int { state.submits.withLock { $0 } }
    /// Every output URL a poll handed out.
    var outputURLs: [String] { state.outputsHandedOut.withLock { $0 } }

    static func start(
        queuedSeconds: Double = 0.2, processingSeconds: Double = 0.3, outputLifetime: Double = 3600,
        submitStatus: Int? = nil, outputFailures: Int = 0
    ) async throws -> FakeLumaAgents {
        let files = TestGateway.temporaryDirectory()
        try await FFmpegFixture.make(
            [
                "-f", "lavfi", "-i", "testsrc2=s=640x360:r=24", "-frames:v", "121", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", "video.mp4",
            ], in: files)
        try await FFmpegFixture.make(["-f", "lavfi", "-i", "testsrc2=s=1536x1024", "-frames:v", "1", "image.png"], in: files)
        try await FFmpegFixture.make(
            ["-f", "lavfi", "-i", "testsrc2=s=64x36", "-frames:v", "1", "-pix_fmt", "gbrpf32le", "frame.exr"], in: files)
        let video = try Data(contentsOf: URL(fileURLWithPath: files + "/video.mp4"))
        let image = try Data(contentsOf: URL(fileURLWithPath: files + "/image.png"))
        let exr = try Data(contentsOf: URL(fileURLWithPath: files + "/frame.exr"))
        let state = State(outputFailures: outputFailures)
        let router = Router()

        router.post("v1/generations") { request, _ -> Response in
            state.submits.withLock { $0 += 1 }
            guard request.headers[.authorization] == "Bearer \(apiKey)" else { return json(401, ["detail": "Invalid API key"]) }
            if let submitStatus { return json(submitStatus, ["detail": "Insufficient balance"]) }
            let data = Data(buffer: try await request.body.collect(upTo: 64 << 20))
            guard let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let prompt = body["prompt"] as? String,
                (body["model"] as? String == "ray-3.2" && ["video", "video_edit", "video_reframe"].contains(body["type"] as? String))
                    || (body["model"] as? String == "uni-1" && ["image", "image_edit", "layering"].contains(body["type"] as? String))
            else {
                return json(400, ["detail": "Invalid request body"])
            }
            if prompt.contains("reject") { return json(400, ["detail": "Prompt is not allowed"]) }
            if prompt.contains("unprocessable") {
                return json(
                    422, ["detail": [["loc": ["body", "video", "start_frame"], "msg": "image could not be decoded", "type": "value_error"]]])
            }
            let attempt = state.scripted.withLock { counts -> Int in
                counts[prompt, default: 0] += 1
                return counts[prompt]!
            }
            if prompt.contains("busy"), attempt == 1 {
                return json(429, ["detail": "Rate limit exceeded: requests per minute"], headers: [.retryAfter: "1"])
            }
            if prompt.contains("crowded"), attempt <= 2 { return json(429, ["detail": "Too many concurrent generations"]) }
            if prompt.contains("overloaded"), attempt == 1 { return json(502, ["detail": "Upstream unavailable"]) }
            let id = UUID().uuidString.lowercased()
            state.generations.withLock { $0[id] = Generation(id: id, prompt: prompt, created: Date(), requestBody: data) }
            return json(201, ["id": id, "created_at": "2026-12-01T00:00:00Z", "model": body["model"]!, "state": "queued", "type": body["type"]!])
        }

        router.get("v1/generations/:id") { request, context -> Response in
            guard request.headers[.authorization] == "Bearer \(apiKey)" else { return json(401, ["detail": "Invalid API key"]) }
            let id = try context.parameters.require("id")
            guard let generation = state.generations.withLock({ $0[id] }) else { return json(404, ["detail": "Generation not found"]) }
            let outputType = (generation.request["type"] as? String ?? "video").hasPrefix("video") ? "video" : "image"
            var object: [String: Any] = [
                "id": id, "created_at": "2026-12-01T00:00:00Z", "model": generation.request["model"] ?? "",
                "type": generation.request["type"] ?? "video",
            ]
            let age = Date().timeIntervalSince(generation.created)
            if age < queuedSeconds {
                object["state"] = "queued"
            } else if age < queuedSeconds + processingSeconds {
                object["state"] = "processing"
            } else if let code = generation.prompt.split(separator: " ").first(where: { $0.hasPrefix("fail:") })?.dropFirst(5) {
                object["state"] = "failed"
                object["failure_code"] = String(code)
                object["failure_reason"] = "Scripted failure"
            } else {
                let expires = Date().addingTimeInterval(outputLifetime).timeIntervalSince1970
                let link = { (file: String) in "\(state.baseURL.withLock { $0 })/outputs/\(file)?X-Expires=\(expires)&X-Signature=fake" }
                var outputs: [[String: Any]] = [["type": outputType, "url": link(outputType == "image" ? "\(id).png" : "\(id).mp4")]]
                if generation.request["type"] as? String == "layering" {
                    outputs = zip(["soft", "none"], ["kite", "sky"]).enumerated().map { index, layer in
                        [
                            "type": "image", "url": link("\(id)-\(index).png"),
                            "layer": ["index": index, "label": layer.1, "description": "the \(layer.1)", "alpha_hint": layer.0],
                        ]
                    }
                }
                if generation.video["exr_export"] as? Bool == true { outputs.append(["type": "exr", "url": link("\(id).exr")]) }
                state.outputsHandedOut.withLock { $0 += outputs.map { $0["url"] as! String } }
                object["state"] = "completed"
                object["output"] = outputs
            }
            return json(200, object)
        }

        router.get("outputs/:file") { request, context -> Response in
            guard let expires = request.uri.queryParameters.get("X-Expires").flatMap(Double.init),
                Date().timeIntervalSince1970 < expires
            else {
                return Response(
                    status: .forbidden,
                    body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>")))
            }
            let fails = state.outputFailuresLeft.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            if fails { return Response(status: .serviceUnavailable) }
            let file = try context.parameters.require("file")
            let (type, bytes) = file.hasSuffix(".png") ? ("image/png", image) : file.hasSuffix(".exr") ? ("image/x-exr", exr) : ("video/mp4", video)
            return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(data: bytes)))
        }

        let server = try await LocalServer.start(router, label: "the fake Agents API")
        state.baseURL.withLock { $0 = server.baseURL }
        return FakeLumaAgents(baseURL: server.baseURL, state: state, server: server)
    }

    private init(baseURL: String, state: State, server: LocalServer) {
        self.baseURL = baseURL
        self.state = state
        self.server = server
    }

    func stop() async {
        await server.stop()
    }

    private static func json(_ status: Int, _ object: [String: Any], headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}
