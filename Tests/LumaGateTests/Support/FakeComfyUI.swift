import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Synchronization

/// A stand-in for a ComfyUI machine on 127.0.0.1, speaking server.py's wire format as a real
/// ComfyUI 0.3.64 answered it (the fixtures in `Fixtures/comfyui/` were captured from one):
/// `POST /prompt` validated against the real `/object_info` (unknown classes, missing inputs,
/// loader files not on the machine: 400 with `node_errors`), one prompt run at a time,
/// `/history/{id}` empty until it ends, `/queue`, `/view`, `/upload/image`, `/interrupt`,
/// `/queue {delete}`, and `/ws?clientId=` with the events of each client's prompts (`status` to
/// all, `execution_start`, a `progress` per sampler step, `execution_success` or
/// `execution_error`, then `executing` with node null). A run renders a real H.264 MP4 with
/// ffmpeg at the size and frame count the workflow asks for (from its uploaded start image when
/// it loads one).
///
/// Words in any text input of a workflow script it: `explode` fails the run with an
/// `execution_error`; `post-then-500` queues the prompt but answers its first post with a 500;
/// `html-output` saves a web page where the video should be.
/// `hold()` keeps prompts queued; `restart()` loses the queue and the history, as a restarted
/// ComfyUI does; `dropSockets(refusing:)` closes every socket (and refuses new ones).
final class FakeComfyUI: Sendable {
    struct Prompt: Sendable {
        var id: String
        var body: Data
        var number: Int

        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var graph: [String: [String: Any]] { object["prompt"] as? [String: [String: Any]] ?? [:] }
        var clientID: String? { object["client_id"] as? String }

        /// The value of `input` on the first node of class `classType`.
        func input(_ input: String, of classType: String) -> Any? {
            graph.values.first { $0["class_type"] as? String == classType }.flatMap { ($0["inputs"] as? [String: Any])?[input] }
        }

        var texts: [String] { graph.values.flatMap { (($0["inputs"] as? [String: Any]) ?? [:]).values.compactMap { $0 as? String } } }
    }

    private struct State {
        var pending: [Prompt] = []
        var running: Prompt?
        /// Each finished prompt's history entry, as JSON.
        var history: [String: Data] = [:]
        var posts: [Prompt] = []
        var uploads: [String: Data] = [:]
        var deleted: [String] = []
        var interrupted: [String] = []
        var interruptRequested: Set<String> = []
        var held = false
        /// Runs wait at their last step, reporting it again, until let go.
        var endsHeld = false
        var failedPosts: Set<String> = []
        var counter = 0
    }

    /// What the server's handlers and its worker share.
    private final class Shared: Sendable {
        let state = Mutex(State())
        let ran = Mutex<[String]>([])
        let files = Mutex<[String: Data]>([:])
        /// Open sockets: their client's id and where their messages go.
        let sockets = Mutex<[UUID: (clientID: String, send: AsyncStream<String>.Continuation)]>([:])
        let refusingSockets = Mutex(false)

        /// Sends `type` and `data` to the sockets of `clientID`, or to all when nil.
        func emit(_ type: String, _ data: [String: Any?], to clientID: String?) {
            guard let json = try? JSONSerialization.data(withJSONObject: ["type": type, "data": data.mapValues { $0 ?? NSNull() }]) else { return }
            let text = String(decoding: json, as: UTF8.self)
            for socket in sockets.withLock({ Array($0.values) }) where clientID == nil || socket.clientID == clientID {
                socket.send.yield(text)
            }
        }

        func emitQueue() {
            let count = state.withLock { $0.pending.count + ($0.running == nil ? 0 : 1) }
            emit("status", ["status": ["exec_info": ["queue_remaining": count]]], to: nil)
        }
    }

    let baseURL: String
    private let shared: Shared
    private let server: LocalServer
    private let worker: Task<Void, Never>

    /// Every prompt posted, accepted or not, in order.
    var posts: [Prompt] { shared.state.withLock { $0.posts } }
    var uploads: [String: Data] { shared.state.withLock { $0.uploads } }
    var deleted: [String] { shared.state.withLock { $0.deleted } }
    var interrupted: [String] { shared.state.withLock { $0.interrupted } }
    var queueLength: Int { shared.state.withLock { $0.pending.count + ($0.running == nil ? 0 : 1) } }
    /// Prompts that ran to their end (success or error), by id, in order.
    var ran: [String] { shared.ran.withLock { $0 } }

    /// Each run takes `runSeconds`, in `steps` sampler steps reported on the socket.
    static func start(runSeconds: Double = 0.3, steps: Int = 3) async throws -> FakeComfyUI {
        let objectInfo = try Fixtures.data("comfyui/object_info.json")
        let shared = Shared()
        let router = Router()

        router.post("prompt") { request, _ -> Response in
            let data = Data(buffer: try await request.body.collect(upTo: 16 << 20))
            guard let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let graph = body["prompt"] as? [String: Any]
            else {
                return json(
                    400,
                    [
                        "error": ["type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided", "extra_info": [:]],
                        "node_errors": [:],
                    ])
            }
            let id = (body["prompt_id"] as? String) ?? UUID().uuidString.lowercased()
            let uploads = shared.state.withLock { $0.uploads }
            let classes = (try? JSONSerialization.jsonObject(with: objectInfo)) as? [String: [String: Any]] ?? [:]
            if let refusal = validate(graph as? [String: [String: Any]] ?? [:], classes: classes, uploads: uploads) { return json(400, refusal) }
            let prompt = shared.state.withLock { state -> Prompt in
                let prompt = Prompt(id: id, body: data, number: state.counter)
                state.counter += 1
                state.posts.append(prompt)
                state.pending.append(prompt)
                return prompt
            }
            if prompt.texts.contains(where: { $0.contains("post-then-500") }), shared.state.withLock({ $0.failedPosts.insert(id).inserted }) {
                return Response(status: .internalServerError)
            }
            shared.emitQueue()
            return json(200, ["prompt_id": id, "number": prompt.number, "node_errors": [:]])
        }

        router.get("prompt") { _, _ -> Response in
            json(200, ["exec_info": ["queue_remaining": shared.state.withLock { $0.pending.count + ($0.running == nil ? 0 : 1) }]])
        }

        router.get("history/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let entry = shared.state.withLock({ $0.history[id] }), let object = try? JSONSerialization.jsonObject(with: entry) else {
                return json(200, [:])
            }
            return json(200, [id: object])
        }

        router.get("queue") { _, _ -> Response in
            let (running, pending) = shared.state.withLock { ($0.running.map { [$0] } ?? [], $0.pending) }
            let item = { (prompt: Prompt) -> [Any] in [prompt.number, prompt.id, prompt.graph, ["client_id": prompt.clientID ?? ""], ["9"]] }
            return json(200, ["queue_running": running.map(item), "queue_pending": pending.map(item)])
        }

        router.post("queue") { request, _ -> Response in
            let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            let ids = body["delete"] as? [String] ?? []
            shared.state.withLock { state in
                state.deleted += ids
                state.pending.removeAll { ids.contains($0.id) }
            }
            return Response(status: .ok)
        }

        router.post("interrupt") { request, _ -> Response in
            let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            let id = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["prompt_id"] as? String
            shared.state.withLock { state in
                if let id { state.interrupted.append(id) }
                if let running = state.running, id == nil || id == running.id { state.interruptRequested.insert(running.id) }
            }
            return Response(status: .ok)
        }

        router.get("object_info") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: objectInfo)))
        }

        router.post("upload/image") { request, _ -> Response in
            let data = Data(buffer: try await request.body.collect(upTo: 100 << 20))
            let contentType = request.headers[.contentType] ?? ""
            guard let boundary = contentType.components(separatedBy: "boundary=").last, contentType.contains("multipart/form-data"),
                let parts = Multipart.parse(data, boundary: boundary), let image = parts["image"], let filename = image.filename
            else {
                return Response(status: .badRequest)
            }
            let subfolder = parts["subfolder"].map { String(decoding: $0.data, as: UTF8.self) } ?? ""
            guard !subfolder.contains(".."), !filename.contains("/") else { return Response(status: .badRequest) }
            let path = subfolder.isEmpty ? filename : "\(subfolder)/\(filename)"
            shared.state.withLock { $0.uploads[path] = image.data }
            return json(200, ["name": filename, "subfolder": subfolder, "type": "input"])
        }

        router.get("view") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard let filename = query.get("filename"), !filename.hasPrefix("/"), !filename.contains("..") else {
                return Response(status: .badRequest)
            }
            guard query.get("type") ?? "output" == "output" else { return Response(status: .badRequest) }
            let subfolder = query.get("subfolder") ?? ""
            guard let bytes = shared.files.withLock({ $0[subfolder.isEmpty ? filename : "\(subfolder)/\(filename)"] }) else {
                return Response(status: .notFound)
            }
            return Response(
                status: .ok, headers: [.contentType: "video/mp4", .contentDisposition: "filename=\"\(filename)\""],
                body: .init(byteBuffer: ByteBuffer(data: bytes)))
        }

        let server = try await LocalServer.start(
            router, label: "the fake ComfyUI",
            server: .http1WebSocketUpgrade { request, _, _ in
                guard request.path?.hasPrefix("/ws") == true, !shared.refusingSockets.withLock({ $0 }) else { return .dontUpgrade }
                let clientID = URLComponents(string: request.path ?? "")?.queryItems?.first { $0.name == "clientId" }?.value ?? UUID().uuidString
                return .upgrade([:]) { _, outbound, _ in
                    let (messages, send) = AsyncStream<String>.makeStream()
                    let id = UUID()
                    shared.sockets.withLock { $0[id] = (clientID, send) }
                    defer { _ = shared.sockets.withLock { $0.removeValue(forKey: id) } }
                    shared.emitQueue()
                    for await text in messages { try await outbound.write(.text(text)) }
                }
            })
        let worker = Task {
            while !Task.isCancelled {
                guard
                    let prompt = shared.state.withLock({ state -> Prompt? in
                        guard !state.held, state.running == nil, !state.pending.isEmpty else { return nil }
                        state.running = state.pending.removeFirst()
                        return state.running
                    })
                else {
                    try? await Task.sleep(for: .milliseconds(20))
                    continue
                }
                let client = prompt.clientID
                shared.emit("execution_start", ["prompt_id": prompt.id, "timestamp": 1], to: client)
                for step in 1...max(1, steps) {
                    try? await Task.sleep(for: .seconds(runSeconds / Double(max(1, steps))))
                    shared.emit("progress", ["value": step, "max": steps, "prompt_id": prompt.id, "node": "3"], to: client)
                }
                while shared.state.withLock({ $0.endsHeld }), !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(200))
                    shared.emit("progress", ["value": steps, "max": steps, "prompt_id": prompt.id, "node": "3"], to: client)
                }
                let interrupted = shared.state.withLock { $0.interruptRequested.contains(prompt.id) }
                let entry = (try? JSONSerialization.data(withJSONObject: await run(prompt, interrupted: interrupted, shared: shared))) ?? Data()
                shared.state.withLock { state in
                    // A restart while it ran loses it like the rest.
                    guard state.running?.id == prompt.id else { return }
                    state.history[prompt.id] = entry
                    state.running = nil
                }
                shared.ran.withLock { $0.append(prompt.id) }
                let failed = String(decoding: entry, as: UTF8.self).contains("\"status_str\":\"error\"")
                shared.emit(failed ? "execution_error" : "execution_success", ["prompt_id": prompt.id, "timestamp": 2], to: client)
                shared.emitQueue()
                shared.emit("executing", ["node": nil, "prompt_id": prompt.id], to: client)
            }
        }
        return FakeComfyUI(baseURL: server.baseURL, shared: shared, server: server, worker: worker)
    }

    private init(baseURL: String, shared: Shared, server: LocalServer, worker: Task<Void, Never>) {
        self.baseURL = baseURL
        self.shared = shared
        self.server = server
        self.worker = worker
    }

    /// Keeps new prompts queued (`false` lets them run).
    func hold(_ held: Bool = true) {
        shared.state.withLock { $0.held = held }
    }

    /// Keeps runs at their last step (`false` lets them end).
    func holdEnds(_ held: Bool = true) {
        shared.state.withLock { $0.endsHeld = held }
    }

    /// Loses the queue, the running prompt and the history, as a restarted ComfyUI does.
    func restart() {
        shared.state.withLock { state in
            state.pending = []
            state.running = nil
            state.history = [:]
        }
    }

    /// Closes every open socket; with `refusing`, new ones are refused until called again with false.
    func dropSockets(refusing: Bool = false) {
        shared.refusingSockets.withLock { $0 = refusing }
        for socket in shared.sockets.withLock({ Array($0.values) }) { socket.send.finish() }
    }

    /// Sockets open now.
    var socketCount: Int { shared.sockets.withLock { $0.count } }

    func stop() async {
        dropSockets(refusing: true)
        worker.cancel()
        await server.stop()
    }

    /// The history entry of a finished run: its saved video, or the error it ended with.
    private static func run(_ prompt: Prompt, interrupted: Bool, shared: Shared) async -> [String: Any] {
        let save = prompt.graph.first { ($0.value["class_type"] as? String)?.hasPrefix("Save") == true }?.key ?? "9"
        let started: [Any] = ["execution_start", ["prompt_id": prompt.id, "timestamp": 1]]
        func failure(_ event: String, _ data: [String: Any]) -> [String: Any] {
            [
                "prompt": [prompt.number, prompt.id, prompt.graph, ["client_id": prompt.clientID ?? ""], [save]], "outputs": [:],
                "status": ["status_str": "error", "completed": false, "messages": [started, [event, data]]], "meta": [:],
            ]
        }
        if interrupted {
            return failure("execution_interrupted", ["prompt_id": prompt.id, "node_id": save, "node_type": "SaveVideo", "executed": []])
        }
        if prompt.texts.contains(where: { $0.contains("explode") }) {
            return failure(
                "execution_error",
                [
                    "prompt_id": prompt.id, "node_id": "3", "node_type": "KSampler", "executed": [],
                    "exception_message": "Allocation on device would exceed allowed memory. (out of memory)\n",
                    "exception_type": "torch.OutOfMemoryError", "traceback": [], "current_inputs": [:], "current_outputs": [],
                ])
        }
        do {
            let video =
                prompt.texts.contains { $0.contains("html-output") }
                ? Data("<html><body>not a video</body></html>".utf8) : try await render(prompt, uploads: shared.state.withLock { $0.uploads })
            let filename = "lumagate_\(String(format: "%05d", prompt.number + 1))_.mp4"
            shared.files.withLock { $0["video/\(filename)"] = video }
            return [
                "prompt": [prompt.number, prompt.id, prompt.graph, ["client_id": prompt.clientID ?? ""], [save]],
                "outputs": [save: ["images": [["filename": filename, "subfolder": "video", "type": "output"]], "animated": [true]]],
                "status": [
                    "status_str": "success", "completed": true,
                    "messages": [started, ["execution_success", ["prompt_id": prompt.id, "timestamp": 2]]],
                ],
                "meta": [:],
            ]
        } catch {
            return failure("execution_error", ["prompt_id": prompt.id, "node_id": save, "node_type": "SaveVideo", "exception_message": "\(error)"])
        }
    }

    /// An MP4 of the size, frame count and rate the workflow asks for: its start image held, or a test pattern.
    private static func render(_ prompt: Prompt, uploads: [String: Data]) async throws -> Data {
        let number = { (value: Any?) in (value as? NSNumber)?.intValue }
        let width =
            number(
                prompt.input("width", of: "EmptyImage") ?? prompt.input("width", of: "ImageScale")
                    ?? prompt.input("width", of: "Wan22ImageToVideoLatent")) ?? 320
        let height =
            number(
                prompt.input("height", of: "EmptyImage") ?? prompt.input("height", of: "ImageScale")
                    ?? prompt.input("height", of: "Wan22ImageToVideoLatent")) ?? 240
        let frames = number(prompt.input("amount", of: "RepeatImageBatch") ?? prompt.input("length", of: "Wan22ImageToVideoLatent")) ?? 24
        let fps = (prompt.input("fps", of: "CreateVideo") as? NSNumber)?.doubleValue ?? 24
        let directory = TestGateway.temporaryDirectory()
        var input = ["-f", "lavfi", "-i", "testsrc2=s=\(width)x\(height):r=\(fps)"]
        if let image = prompt.input("image", of: "LoadImage") as? String, let bytes = uploads[image] {
            try bytes.write(to: URL(fileURLWithPath: directory + "/start"))
            input = ["-loop", "1", "-framerate", "\(fps)", "-i", "start", "-vf", "scale=\(width):\(height)"]
        }
        try await FFmpegFixture.make(
            input + ["-frames:v", "\(frames)", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-r", "\(fps)", "out.mp4"],
            in: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try Data(contentsOf: URL(fileURLWithPath: directory + "/out.mp4"))
    }

    /// What a real ComfyUI answers an invalid prompt (execution.py's validate_prompt), or nil.
    private static func validate(_ graph: [String: [String: Any]], classes: [String: [String: Any]], uploads: [String: Data]) -> [String: Any]? {
        let problem = { (type: String, message: String, details: String) -> [String: Any] in
            ["type": type, "message": message, "details": details, "extra_info": [:]]
        }
        var nodeErrors: [String: Any] = [:]
        for (id, node) in graph.sorted(by: { $0.key < $1.key }) {
            guard let classType = node["class_type"] as? String, let info = classes[classType] else {
                let name = node["class_type"] as? String ?? "?"
                return [
                    "error": problem("invalid_prompt", "Cannot execute because node \(name) does not exist.", "Node ID '#\(id)'"),
                    "node_errors": [:],
                ]
            }
            let inputs = node["inputs"] as? [String: Any] ?? [:]
            let required = ((info["input"] as? [String: Any])?["required"] as? [String: [Any]]) ?? [:]
            var errors: [[String: Any]] = []
            for (name, spec) in required.sorted(by: { $0.key < $1.key }) {
                guard let value = inputs[name] else {
                    errors.append(problem("required_input_missing", "Required input is missing", name))
                    continue
                }
                if classType == "LoadImage", name == "image", let file = value as? String, uploads[file] == nil {
                    errors.append(problem("custom_validation_failed", "Custom validation failed for node", "image - Invalid image file: \(file)"))
                } else if classType != "LoadImage", let choices = spec.first as? [String], let chosen = value as? String, !choices.contains(chosen) {
                    errors.append(problem("value_not_in_list", "Value not in list", "\(name): '\(chosen)' not in \(choices)"))
                }
            }
            if !errors.isEmpty { nodeErrors[id] = ["errors": errors, "dependent_outputs": [], "class_type": classType] }
        }
        guard nodeErrors.isEmpty else {
            return ["error": problem("prompt_outputs_failed_validation", "Prompt outputs failed validation", ""), "node_errors": nodeErrors]
        }
        return nil
    }

    private static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// Just enough multipart/form-data for `/upload/image`.
    private enum Multipart {
        struct Part {
            var filename: String?
            var data: Data
        }

        static func parse(_ body: Data, boundary: String) -> [String: Part]? {
            let delimiter = Data("--\(boundary)".utf8)
            var parts: [String: Part] = [:]
            var rest = body[...]
            while let start = rest.range(of: delimiter) {
                rest = rest[start.upperBound...]
                guard let headerEnd = rest.range(of: Data("\r\n\r\n".utf8)), let next = rest.range(of: delimiter) else { break }
                let headers = String(decoding: rest[rest.startIndex..<headerEnd.lowerBound], as: UTF8.self)
                var content = rest[headerEnd.upperBound..<next.lowerBound]
                if content.suffix(2) == Data("\r\n".utf8) { content = content.dropLast(2) }
                let field = { (key: String) -> String? in
                    headers.components(separatedBy: "\(key)=\"").dropFirst().first?.components(separatedBy: "\"").first
                }
                if let name = field("name") { parts[name] = Part(filename: field("filename"), data: Data(content)) }
            }
            return parts.isEmpty ? nil : parts
        }
    }
}
