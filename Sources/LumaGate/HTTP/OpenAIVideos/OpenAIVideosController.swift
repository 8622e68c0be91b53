import AsyncHTTPClient
import HTTPTypes
import Foundation
import Hummingbird
import NIOFoundationCompat

/// Face 4: the OpenAI-shaped video API under `/v1` (the shape OpenAI made for Sora, which AI
/// gateways and the `openai` SDKs speak), over the same tokens, tasks, quotas and sandbox as the
/// other faces. Errors are OpenAI's (`OpenAIErrorShape`).
struct OpenAIVideosController: APIFace {
    let prefix = "v1"
    var openAPI: [UInt8] { PackageResources.openai_videos_openapi_json }
    var errorShape: any ErrorShape { OpenAIErrorShape() }

    let service: TaskService
    let media: OpenAIVideoContent
    let body: JSONRequestBody
    /// The model of a request that names none; nil is the catalogue's default video model.
    let defaultModel: String?
    let view: OpenAIVideoView
    let follower: TaskFollower
    let webhookEndpoints: OpenAIWebhookEndpointsController

    static let defaultPageSize = 20
    static let maxPageSize = 100

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.post("videos", use: create)
        router.get("videos", use: list)
        router.post("videos/extensions", use: extend)
        router.post("videos/edits", use: edit)
        router.get("videos/:id", use: retrieve)
        router.get("videos/:id/stream", use: stream)
        router.delete("videos/:id", use: delete)
        router.get("videos/:id/content", use: content)
        router.post("videos/:id/remix", use: remix)
        webhookEndpoints.register(on: router)
    }

    @Sendable func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let fields = try await OpenAIRequestFields.read(request, body: body)
        let prompt = try prompt(fields)
        let model = try OpenAIVideoFormat.model(fields.values["model"], default: defaultModel ?? service.models.defaults.video, in: service.models)
        let size = try OpenAIVideoFormat.size(fields.values["size"], for: model)
        let duration = try OpenAIVideoFormat.duration(fields.values["seconds"], model: model)
        let references =
            fields.values.keys.filter { $0 == "input_reference" || $0.hasPrefix("input_reference[") }.count
            + (fields.files["input_reference"] == nil ? 0 : 1)
        guard references <= 1 else {
            throw GatewayError.invalidRequest(
                "Field `input_reference` must be one of: an image file part, {\"image_url\": ...} or {\"file_id\": ...}; not several.")
        }
        var image: String?
        if let file = fields.files["input_reference"] {
            image = ImageIntake.dataURI(Data(buffer: file.body))
        } else if let url = fields.values["input_reference[image_url]"] {
            image = url
        } else if let fileID = fields.values["input_reference[file_id]"] {
            image = try await service.uploadURL(id: fileID, tokenID: token.id, field: "input_reference[file_id]")
        } else if fields.values.keys.contains(where: { $0 == "input_reference" || $0.hasPrefix("input_reference[") }) {
            throw GatewayError.invalidRequest("Field `input_reference` must be an image file part, {\"image_url\": ...} or {\"file_id\": ...}.")
        }
        let generation = GenerationRequest(
            prompt: prompt, aspectRatio: size.aspectRatio, model: model.name,
            resolution: size.resolution, duration: duration)
        try OpenAIVideoFormat.check(size, for: model)
        try FieldRules.videoOptions(
            model, duration: duration, resolution: size.resolution, aspectRatio: size.aspectRatio,
            loop: nil, framesField: image == nil ? nil : "input_reference")
        let task = try await service.submit(
            token: token, request: generation, images: .init(first: image, firstField: "input_reference"),
            idempotency: try idempotency(request, fields))
        return try await follower.created(task, request, service: service) { video($0) }
    }

    @Sendable func retrieve(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try context.parameters.require("id")
        var last: VideoTask?
        var response = try await follower.get(request, taskID: id, tokenID: token.id) {
            last = try await videoTask(id, token: token)
            return ByteBuffer(bytes: view.render(last!).bytes())
        }
        if response.status == .ok, let last { pollAfter(last, in: &response) }
        return response
    }

    @Sendable func stream(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try context.parameters.require("id")
        let view = self.view
        return try await follower.stream(
            request, taskID: id, tokenID: token.id, read: { try await videoTask(id, token: token) },
            render: { ByteBuffer(bytes: view.render($0).bytes()) })
    }

    /// One of the token's videos; its images (made through the other faces) are not videos here.
    private func videoTask(_ id: String, token: APIToken) async throws -> VideoTask {
        let task = try await service.task(id: id, tokenID: token.id)
        guard !task.request.producesImage else { throw GatewayError.notFound("No video with id \(id) exists for this token.") }
        return task
    }

    @Sendable func list(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let limit = try QueryParameters.integer(request, "limit", default: Self.defaultPageSize, range: 1...Self.maxPageSize)
        let order = request.uri.queryParameters.get("order") ?? "desc"
        guard order == "asc" || order == "desc" else {
            throw GatewayError.invalidRequest("Query parameter `order` must be \"asc\" or \"desc\".")
        }
        var cursor: VideoTask?
        if let after = request.uri.queryParameters.get("after") {
            cursor = try? await videoTask(after, token: token)
            guard cursor != nil else { throw GatewayError.invalidRequest("Query parameter `after` names no video of this token.") }
        }
        // Images made through the other faces are left out of the page: rarely more than a few.
        let page = try await service.page(tokenID: token.id, after: cursor, ascending: order == "asc", limit: limit + 1)
        let videos = page.prefix(limit).filter { !$0.request.producesImage }
        return .json(
            .object([
                ("object", .string("list")),
                ("data", .array(videos.map(view.render))),
                ("first_id", .optional(videos.first?.id)),
                ("last_id", .optional(videos.last?.id)),
                ("has_more", .bool(page.count > limit)),
            ]))
    }

    @Sendable func delete(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try context.parameters.require("id")
        try await service.delete(id: id, tokenID: token.id)
        return .json(.object([("id", .string(id)), ("object", .string("video.deleted")), ("deleted", .bool(true))]))
    }

    @Sendable func content(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let task = try await videoTask(try context.parameters.require("id"), token: token)
        let variant = request.uri.queryParameters.get("variant") ?? "video"
        guard let kind = OpenAIVideoContent.Variant(rawValue: variant) else {
            throw GatewayError.invalidRequest("Query parameter `variant` must be one of \"video\", \"thumbnail\", \"spritesheet\".")
        }
        return try await media.response(for: task, variant: kind, request: request, context: context)
    }

    @Sendable func remix(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let fields = try await OpenAIRequestFields.read(request, body: body)
        let source = try await videoTask(try context.parameters.require("id"), token: token)
        return video(try await service.remix(source, prompt: try prompt(fields), token: token, idempotency: try idempotency(request, fields)))
    }

    @Sendable func extend(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let fields = try await OpenAIRequestFields.read(request, body: body)
        let parent = try await sourceVideo(fields, token: token)
        guard fields.values["seconds"] != nil else { throw GatewayError.invalidRequest("Field `seconds` is required.") }
        let generation = GenerationRequest(
            prompt: try prompt(fields), model: parent.request.model, resolution: parent.request.resolution,
            duration: try OpenAIVideoFormat.duration(fields.values["seconds"], model: try continuedModel(parent)))
        return video(try await service.extend(parent, request: generation, token: token, idempotency: try idempotency(request, fields)))
    }

    /// The model of `parent`, which an extension continues.
    private func continuedModel(_ parent: VideoTask) throws -> ModelSpec {
        guard let model = service.models.spec(for: parent.request) else {
            throw GatewayError.conflict("Video \(parent.id) was made by \(parent.request.officialModel ?? "a model") this gateway no longer makes.")
        }
        return model
    }

    @Sendable func edit(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let fields = try await OpenAIRequestFields.read(request, body: body)
        let source = try await sourceVideo(fields, token: token)
        return video(try await service.remix(source, prompt: try prompt(fields), token: token, idempotency: try idempotency(request, fields)))
    }

    /// The Video, with `openai-poll-after-ms` while it is unfinished.
    private func video(_ task: VideoTask) -> Response {
        var response = Response.json(view.render(task))
        pollAfter(task, in: &response)
        return response
    }

    /// When an SDK's `poll` should ask again.
    private func pollAfter(_ task: VideoTask, in response: inout Response) {
        let wait = view.pollAfterMillis(task)
        if wait > 0 { response.headers[HTTPField.Name("openai-poll-after-ms")!] = String(wait) }
    }

    private func prompt(_ fields: OpenAIRequestFields) throws -> String {
        let prompt = try fields.required("prompt")
        try FieldRules.promptLength("prompt", prompt)
        return prompt
    }

    /// The completed video an extension or an edit starts from: `video` as `{"id": ...}`.
    private func sourceVideo(_ fields: OpenAIRequestFields, token: APIToken) async throws -> VideoTask {
        guard let id = fields.values["video[id]"] else {
            throw GatewayError.invalidRequest(
                fields.files["video"] == nil
                    ? "Field `video` is required: {\"id\": <a completed video's id>}."
                    : "Field `video` must name a completed video by id; uploading a video is not supported.")
        }
        return try await videoTask(id, token: token)
    }

    private func idempotency(_ request: Request, _ fields: OpenAIRequestFields) throws -> IdempotencyKey? {
        try request.headers[HTTPField.Name(IdempotencyKey.header)!].map {
            try IdempotencyKey(key: $0, method: request.method.rawValue, path: request.uri.path, body: fields.fingerprint)
        }
    }
}
