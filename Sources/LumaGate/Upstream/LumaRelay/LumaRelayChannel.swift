import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Another relay that speaks the relay format (`/luma/...`) with a bearer token: tasks submit
/// and extend as they are, and are polled many at a time through its batch query when it has one.
public struct LumaRelayChannel: UpstreamChannel {
    public struct Settings: Sendable {
        public var token: String
        /// The relay's root, e.g. https://relay.example.com (the `/luma/...` paths are appended).
        public var baseURL: String
        public var timeout: TimeAmount = .seconds(30)
        public var polling = DreamMachineChannel.Polling()

        public init(token: String, baseURL: String) {
            self.token = token
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        }
    }

    /// Ids asked per batch query: the relay format's limit.
    static let batchLimit = 100

    public let name: String
    public let concurrency = 16
    let settings: Settings
    let http: UpstreamHTTP
    let publicURL: PublicURL
    let now: @Sendable () -> Date
    /// Set once the relay answers the batch query with 404 or 405: it has none.
    private let batchUnsupported: BatchSupport

    private final class BatchSupport: Sendable {
        let missing = Mutex(false)
    }

    public init(name: String, settings: Settings, httpClient: HTTPClient, publicURL: PublicURL, now: @escaping @Sendable () -> Date) {
        self.name = name
        self.settings = settings
        self.http = UpstreamHTTP(httpClient: httpClient, baseURL: settings.baseURL, apiKey: settings.token, timeout: settings.timeout)
        self.publicURL = publicURL
        self.now = now
        self.batchUnsupported = BatchSupport()
    }

    /// The relay format carries videos from a prompt and images, and extensions; nothing else.
    public var kind: ChannelRecord.Kind { .lumaRelay }

    public func supports(_ request: GenerationRequest) -> Bool {
        (request.kind ?? .video) == .video && request.endGenerationID == nil && (request.concepts ?? []).isEmpty
    }

    public func validate(_ request: GenerationRequest) throws {
        try publicURL.requireImagesReachable(for: request, by: "the upstream relay", at: settings.baseURL)
    }

    public func submit(_ task: VideoTask, parent: VideoTask?, end: VideoTask?) async throws -> String {
        let body = LumaRelayMapping.requestBody(for: task, imageURL: { $0.sourceURL ?? publicURL.media($0.storedPath) })
        let path = parent?.upstreamID.map { "/luma/generations/\($0)/extend" } ?? "/luma/generations"
        return try LumaRelayMapping.task(from: try await http.send(.POST, path, body: body.bytes())).id
    }

    public func fetch(_ task: VideoTask) async throws -> UpstreamSnapshot {
        guard let upstreamID = task.upstreamID else { throw UpstreamError.notFound }
        let data = try await http.send(.GET, "/luma/generations/\(upstreamID)")
        return try LumaRelayMapping.snapshot(of: LumaRelayMapping.task(from: data), at: now().millis)
    }

    /// A hundred tasks per batch query. The answer leaves out tasks the relay does not know, and a
    /// relay without the query (404, 405, a refusal) is never asked again: either way those tasks
    /// are asked one by one.
    public func fetchMany(_ tasks: [VideoTask]) async -> [String: Result<UpstreamSnapshot, any Error>] {
        var results: [String: Result<UpstreamSnapshot, any Error>] = [:]
        guard !batchUnsupported.missing.withLock({ $0 }) else { return results }
        for start in stride(from: 0, to: tasks.count, by: Self.batchLimit) {
            let chunk = tasks[start..<min(start + Self.batchLimit, tasks.count)]
            do {
                let body = JSONValue.object([("ids", .array(chunk.compactMap(\.upstreamID).map(JSONValue.string)))])
                let answered = try LumaRelayMapping.tasks(from: try await http.send(.POST, "/luma/tasks", body: body.bytes()))
                let byID = Dictionary(answered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for task in chunk {
                    guard let found = task.upstreamID.flatMap({ byID[$0] }) else { continue }
                    results[task.id] = Result { try LumaRelayMapping.snapshot(of: found, at: now().millis) }
                }
            } catch let error as UpstreamError where !error.isRetryable {
                batchUnsupported.missing.withLock { $0 = true }
                break
            } catch {
                for task in chunk { results[task.id] = .failure(error) }
            }
        }
        return results
    }

    public func nextPoll(for task: VideoTask, after snapshot: UpstreamSnapshot, now: Date) -> Date {
        settings.polling.nextPoll(for: task, now: now)
    }
}
