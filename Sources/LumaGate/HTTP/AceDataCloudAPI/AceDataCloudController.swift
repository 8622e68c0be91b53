import Foundation
import Hummingbird
import NIOCore

/// AceDataCloud's Luma dialect: `POST /luma/videos` (a create that waits for the video, or answers
/// its `task_id` at once and calls back), and the `retrieve` / `retrieve_batch` queries of `POST
/// /luma/tasks`, a path the relay format's batch shares (`LumaController` hands them over).
struct AceDataCloudController: APIFace {
    let prefix = "luma/videos"
    var openAPI: [UInt8] { PackageResources.acedatacloud_openapi_json }
    var errorShape: any ErrorShape { AceDataCloudErrorShape() }

    let service: TaskService
    let view: AceDataCloudVideoView
    let body: JSONRequestBody
    let publicURL: PublicURL
    let follower: TaskFollower

    static let maxBatch = 100

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.post("", use: create)
    }

    @Sendable func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let bytes = try await body.bytes(of: request)
        let idempotency = try JSONRequestBody.idempotency(of: request, body: bytes)
        let submitted = try body.decode(AceDataCloudVideoBody.self, bytes: bytes)
        let sent = try body.decode(JSONValue.self, bytes: bytes)
        let origin = DialectOrigin(
            dialect: .aceDataCloud, body: DialectOrigin.kept(sent, keys: AceDataCloudVideoBody.keys), webhookURL: submitted.callback_url)
        var accepted = try submitted.validated(models: service.models, origin: origin)
        var task: VideoTask
        if let extending = accepted.extending {
            let parent = try await parent(extending, tokenID: token.id)
            if accepted.request.prompt.isEmpty { accepted.request.prompt = parent.request.prompt }
            if submitted.aspect_ratio != nil, accepted.request.aspectRatio != parent.request.aspectRatio {
                throw GatewayError.invalidRequest(
                    "Field `aspect_ratio` must be left out or \(parent.request.aspectRatio) to extend: an extension keeps its video's frame.")
            }
            task = try await service.submit(token: token, request: accepted.request, images: accepted.images, start: parent, idempotency: idempotency)
        } else {
            task = try await service.submit(token: token, request: accepted.request, images: accepted.images, idempotency: idempotency)
        }
        guard let wait = accepted.wait else { return .json(.object([("task_id", .string(task.id))])) }
        task = try await follower.finished(task, service: service, within: wait)
        guard task.state.isTerminal else {
            throw GatewayError(
                status: .gatewayTimeout, code: "timeout",
                detail: "Task \(task.id) did not finish within the request's timeout; it goes on: retrieve it with POST /luma/tasks.")
        }
        return .json(view.video(task))
    }

    /// `retrieve` or `retrieve_batch`, answered in this dialect's shape, refusals included (the
    /// path's own shape is the relay format's).
    func tasks(_ bytes: ByteBuffer, context: GatewayRequestContext) async throws -> Response {
        do {
            let token = try context.requireToken()
            switch try body.decode(AceDataCloudTasksBody.self, bytes: bytes).validated(maxBatch: Self.maxBatch) {
            case .one(let id):
                guard let found = try await service.tasksWithEvents(ids: [id], tokenID: token.id).first else { throw GatewayError.taskNotFound(id) }
                return try response(view.record(found.task, events: found.events))
            case .batch(let ids):
                let items = try await service.tasksWithEvents(ids: ids, tokenID: token.id).map { view.record($0.task, events: $0.events) }
                return try response(.object([("items", .array(items)), ("count", .int(items.count))]))
            }
        } catch let error as GatewayError {
            return ErrorMiddleware<GatewayRequestContext>.response(
                for: error, shape: errorShape, requestID: ErrorMiddleware<GatewayRequestContext>.requestID(context))
        }
    }

    private func response(_ value: JSONValue) throws -> Response {
        // Media paths in a record are placeholders, resolved as the stored views are.
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: StoredView.resolve([value.serialized()], asArray: false, publicURL: publicURL)))
    }

    /// The completed video an extension continues: by `video_id` (its task id), or by a
    /// `video_url` this gateway gave for one of the token's videos.
    private func parent(_ extending: (id: String?, url: String?), tokenID: String) async throws -> VideoTask {
        if let id = extending.id {
            return try await service.keyframeGeneration(id: id.lowercased(), tokenID: tokenID, field: "video_id")
        }
        let url = extending.url ?? ""
        for id in Self.taskIDs(in: url).reversed() {
            guard let task = try? await service.task(id: id, tokenID: tokenID), let video = task.media?.video else { continue }
            if video.url == url || publicURL.media(video.url) == url {
                return try await service.keyframeGeneration(id: id, tokenID: tokenID, field: "video_url")
            }
        }
        throw GatewayError.invalidRequest(
            "Field `video_url` must be the `video_url` of one of your videos on this gateway; give its `video_id` instead.")
    }

    /// The task ids (UUIDs, lower case) a media URL's path holds.
    static func taskIDs(in url: String) -> [String] {
        url.lowercased().split(whereSeparator: { !$0.isHexDigit && $0 != "-" }).compactMap { part in
            UUID(uuidString: String(part)) != nil && part.utf8.count == 36 ? String(part) : nil
        }
    }
}
