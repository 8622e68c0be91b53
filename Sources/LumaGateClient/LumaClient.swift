import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of a lumagate gateway, for both of its API faces: the relay format under `/luma`
/// and Luma's official format under `/dream-machine/v1`.
///
/// ```swift
/// let client = LumaClient(baseURL: "http://127.0.0.1:8080", token: token)
/// let task = try await client.submit(LumaSubmission(prompt: "a lighthouse in a storm"))
/// let done = try await client.waitUntilFinished(id: task.id)  // follows the task's event stream
/// if let video = done.video { try await client.download(from: video.downloadURL, to: URL(fileURLWithPath: "out.mp4")) }
/// ```
///
/// Every call that the gateway answers with an error status throws `LumaClientError`.
public struct LumaClient: Sendable {
    /// The gateway's address, without a trailing slash, e.g. `http://127.0.0.1:8080`.
    public let baseURL: String
    public let token: String
    /// How long one request may take, download included.
    public var requestTimeout: Duration
    let httpClient: HTTPClient

    /// JSON answers are small (a page of 100 tasks is well under a megabyte); the cap only keeps
    /// a misdirected URL from filling memory.
    static let maxJSONBytes = 16 * 1024 * 1024

    public init(baseURL: String, token: String, requestTimeout: Duration = .seconds(60), httpClient: HTTPClient = .shared) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.requestTimeout = requestTimeout
        self.httpClient = httpClient
    }

    // MARK: Relay format, under /luma

    /// Submits a video task; the answer is the task in state `pending`. A retry with the same
    /// `idempotencyKey` and the same submission returns the first one's task, charged once.
    public func submit(_ submission: LumaSubmission, idempotencyKey: String? = nil) async throws -> LumaTask {
        try await call(.POST, "/luma/generations", body: submission, idempotencyKey: idempotencyKey)
    }

    public func task(id: String) async throws -> LumaTask {
        try await call(.GET, "/luma/generations/\(escaped(id))")
    }

    /// The caller's tasks, newest first; `limit` 1-100.
    public func tasks(offset: Int = 0, limit: Int = 20) async throws -> [LumaTask] {
        try await call(.GET, "/luma/generations", query: [("offset", String(offset)), ("limit", String(limit))])
    }

    /// Several tasks at once (at most 100 ids), in the order asked; unknown ids are left out.
    public func tasks(ids: [String]) async throws -> [LumaTask] {
        struct Body: Encodable { var ids: [String] }
        return try await call(.POST, "/luma/tasks", body: Body(ids: ids))
    }

    /// A new task that continues a completed task's video from its last frame; without a prompt
    /// it continues the parent's.
    public func extend(id: String, prompt: String? = nil, idempotencyKey: String? = nil) async throws -> LumaTask {
        struct Body: Encodable {
            var user_prompt: String?
        }
        return try await call(.POST, "/luma/generations/\(escaped(id))/extend", body: Body(user_prompt: prompt), idempotencyKey: idempotencyKey)
    }

    /// The finished video's URL (a 409 `LumaClientError` until the task is completed).
    public func downloadURL(id: String) async throws -> String {
        struct Answer: Decodable { var url: String }
        let answer: Answer = try await call(.GET, "/luma/generations/\(escaped(id))/download_video_url")
        return answer.url
    }

    /// Stores a local image (PNG, JPEG or WebP, at most 10 MiB) at the gateway; the answer's
    /// `publicURL` can be a submission's `imageURL`.
    public func uploadImage(file: URL) async throws -> LumaUpload {
        let data = try Data(contentsOf: file)
        return try await uploadImage(url: "data:\(Self.imageMediaType(data, name: file.lastPathComponent));base64,\(data.base64EncodedString())")
    }

    /// Has the gateway fetch and store an image from an http(s) URL (or a base64 data URI).
    public func uploadImage(url: String) async throws -> LumaUpload {
        struct Body: Encodable { var url: String }
        return try await call(.POST, "/luma/generations/file_upload", body: Body(url: url))
    }

    // MARK: Official format, under /dream-machine/v1

    /// Creates a video generation; the answer is the generation in state `queued`.
    public func createVideo(_ request: VideoGenerationRequest, idempotencyKey: String? = nil) async throws -> Generation {
        try await call(.POST, "/dream-machine/v1/generations/video", body: request, idempotencyKey: idempotencyKey)
    }

    public func generation(id: String) async throws -> Generation {
        try await call(.GET, "/dream-machine/v1/generations/\(escaped(id))")
    }

    /// The caller's generations, newest first; `limit` 1-1000.
    public func generations(limit: Int = 100, offset: Int = 0) async throws -> GenerationPage {
        try await call(.GET, "/dream-machine/v1/generations", query: [("limit", String(limit)), ("offset", String(offset))])
    }

    /// Removes a generation from both faces; work on it stops and its media files go.
    public func deleteGeneration(id: String) async throws {
        _ = try await send(.DELETE, "/dream-machine/v1/generations/\(escaped(id))")
    }

    /// The credits the token has left (1,000,000,000 for a token without a quota).
    public func credits() async throws -> Int {
        struct Answer: Decodable { var credit_balance: Int }
        let answer: Answer = try await call(.GET, "/dream-machine/v1/credits")
        return answer.credit_balance
    }

    /// Checks the address and the token in one cheap call; the answer is the server's message.
    @discardableResult
    public func ping() async throws -> String {
        struct Answer: Decodable { var message: String }
        let answer: Answer = try await call(.GET, "/dream-machine/v1/ping")
        return answer.message
    }

    // MARK: Media

    /// Streams a file (a finished video, a thumbnail) to `destination` and returns its size in
    /// bytes. The file appears only once complete: it is written beside the destination and
    /// moved into place, so a failed download never leaves a truncated video under the name.
    /// `timeout` covers the whole transfer.
    @discardableResult
    public func download(from url: String, to destination: URL, timeout: Duration = .seconds(3600)) async throws -> Int64 {
        // No Authorization header: media URLs need none, and they may point at another host
        // (an upstream's CDN) that must never see the token.
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await httpClient.execute(request, timeout: .seconds(timeout.components.seconds))
        guard response.status == .ok else {
            let body = try? await response.body.collect(upTo: Self.maxJSONBytes)
            throw Self.error(status: Int(response.status.code), headers: response.headers, body: body.map { Data($0.readableBytesView) } ?? Data())
        }
        let partial = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial.path])
        }
        do {
            let handle = try FileHandle(forWritingTo: partial)
            var written: Int64 = 0
            do {
                for try await chunk in response.body {
                    try handle.write(contentsOf: Data(chunk.readableBytesView))
                    written += Int64(chunk.readableBytes)
                }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            if FileManager.default.fileExists(atPath: destination.path) {
                _ = try FileManager.default.replaceItemAt(destination, withItemAt: partial)
            } else {
                try FileManager.default.moveItem(at: partial, to: destination)
            }
            return written
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    // MARK: Plumbing

    private func call<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], idempotencyKey: String? = nil
    ) async throws -> Answer {
        let data = try await send(method, path, query: query, body: nil, idempotencyKey: idempotencyKey)
        return try Self.decode(Answer.self, from: data)
    }

    private func call<Answer: Decodable, Body: Encodable>(
        _ method: HTTPMethod, _ path: String, body: Body, idempotencyKey: String? = nil
    ) async throws -> Answer {
        let data = try await send(method, path, body: try Self.encoder.encode(body), idempotencyKey: idempotencyKey)
        return try Self.decode(Answer.self, from: data)
    }

    /// One request; answers the body of a 2xx and throws `LumaClientError` for anything else.
    private func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil, idempotencyKey: String? = nil
    ) async throws -> Data {
        var url = baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(escaped($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        let response = try await httpClient.execute(request, timeout: .seconds(requestTimeout.components.seconds))
        let bytes = try await response.body.collect(upTo: Self.maxJSONBytes)
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            throw Self.error(status: Int(response.status.code), headers: response.headers, body: data)
        }
        return data
    }

    /// Sorted keys make a request's bytes the same every time, in any process: the gateway
    /// recognises an `Idempotency-Key` retry by a hash of the body, so a retry after the client
    /// itself restarted must send exactly what the first attempt sent.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static func decode<Answer: Decodable>(_ type: Answer.Type, from data: Data) throws -> Answer {
        try JSONDecoder().decode(Answer.self, from: data)
    }

    /// The gateway's `{"detail", "code"}`; anything else (a proxy's page) keeps its text as the detail.
    static func error(status: Int, headers: HTTPHeaders, body: Data) -> LumaClientError {
        struct Answer: Decodable {
            var detail: String?
            var code: String?
        }
        let answer = try? JSONDecoder().decode(Answer.self, from: body)
        let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = answer?.detail ?? (text.isEmpty ? HTTPResponseStatus(statusCode: status).reasonPhrase : text)
        return LumaClientError(
            status: status, code: answer?.code, detail: detail,
            retryAfterSeconds: headers.first(name: "Retry-After").flatMap { Int($0) },
            requestID: headers.first(name: "X-Request-Id"))
    }

    /// The media type a `data:` URI needs, from the file's first bytes (the gateway checks them
    /// too); the extension only decides when the bytes are none of the three.
    static func imageMediaType(_ data: Data, name: String) -> String {
        let head = [UInt8](data.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.count >= 12, head[0..<4] == [0x52, 0x49, 0x46, 0x46], head[8..<12] == [0x57, 0x45, 0x42, 0x50] { return "image/webp" }
        switch name.split(separator: ".").last?.lowercased() {
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        default: return "image/png"
        }
    }

    func escaped(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&=#+"))) ?? component
    }
}
