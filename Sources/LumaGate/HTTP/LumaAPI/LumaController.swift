import Foundation
import Hummingbird
import NIOFoundationCompat

/// Face 1: the relay ("own") format under `/luma`. Every route answers from the store.
struct LumaController: APIFace {
    let prefix = "luma"
    var openAPI: [UInt8] { PackageResources.luma_openapi_json }

    let service: TaskService
    let view: LumaTaskView
    let body: JSONRequestBody
    let publicURL: PublicURL
    let follower: TaskFollower
    /// AceDataCloud's dialect, whose task queries share `POST /luma/tasks`.
    let aceDataCloud: AceDataCloudController

    static let maxBatch = 100
    static let defaultPageSize = 20

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.post("generations", use: submit)
        router.post("generations/file_upload", use: upload)
        router.get("generations", use: list)
        router.get("generations/:id", use: query)
        router.get("generations/:id/stream", use: stream)
        router.post("generations/:id/extend", use: extend)
        router.get("generations/:id/download_video_url", use: downloadURL)
        router.get("generations/:id/events", use: events)
        router.post("tasks", use: batch)
        router.get("stream", use: tokenStream)
    }

    @Sendable func submit(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let (submitted, idempotency) = try await body.decodeSubmission(LumaSubmitBody.self, from: request)
        let (generation, images) = try submitted.validated(models: service.models)
        let task = try await service.submit(token: token, request: generation, images: images, idempotency: idempotency)
        return try await follower.created(task, request, service: service) { .json(view.render($0)) }
    }

    @Sendable func query(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try context.parameters.require("id")
        return try await follower.get(request, taskID: id, tokenID: token.id) {
            StoredView.resolve([try await service.lumaView(id: id, tokenID: token.id)], asArray: false, publicURL: publicURL)
        }
    }

    @Sendable func stream(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await follower.stream(request, context: context, service: service, render: view.render)
    }

    @Sendable func tokenStream(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await follower.tokenStream(request, context: context, service: service, publicURL: publicURL)
    }

    @Sendable func extend(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let (submitted, idempotency) = try await body.decodeSubmission(LumaSubmitBody.self, from: request)
        // The body is validated against the parent: its prompt is the default one.
        let parent = try await service.task(id: try context.parameters.require("id"), tokenID: token.id)
        let (generation, images) = try submitted.validated(models: service.models, defaultPrompt: parent.request.prompt)
        if images.first != nil || images.last != nil {
            throw GatewayError.invalidRequest("An extension continues its parent's last frame; leave out `image_url` and `image_end_url`.")
        }
        let task = try await service.extend(parent, request: generation, token: token, idempotency: idempotency)
        return .json(view.render(task))
    }

    @Sendable func downloadURL(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let path = try await service.downloadablePath(id: try context.parameters.require("id"), tokenID: token.id)
        return .json(.object([("url", .string(publicURL.media(path)))]))
    }

    /// The task's state changes, oldest first: when it was queued, started, finished or failed, and why.
    @Sendable func events(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let events = try await service.events(id: try context.parameters.require("id"), tokenID: token.id)
        return .json(.array(events.map(TaskEventView.render)))
    }

    /// JSON `{"url"}` (an image URL or data URI), or multipart/form-data with the image's bytes in
    /// a file part `file`.
    @Sendable func upload(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        struct UploadBody: Decodable { var url: String? }
        let token = try context.requireToken()
        let upload: Upload
        if MultipartForm.isMultipart(request) {
            guard let file = try await MultipartForm.read(request, maxBytes: body.maxBytes).file("file") else {
                throw GatewayError.invalidRequest("Field `file` is required: a file part holding a PNG, JPEG or WebP image.")
            }
            upload = try await service.upload(tokenID: token.id, source: ImageIntake.dataURI(Data(buffer: file.body)), field: "file")
        } else {
            guard let source = try await body.decode(UploadBody.self, from: request).url, !source.isEmpty else {
                throw GatewayError.invalidRequest("Field `url` is required: an http(s) image URL or a data:image/...;base64 URI.")
            }
            upload = try await service.upload(tokenID: token.id, source: source, field: "url")
        }
        return .json(.object([("id", .string(upload.id)), ("public_url", .string(publicURL.media(upload.storedPath)))]))
    }

    @Sendable func batch(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let bytes = try await body.bytes(of: request)
        let batch = try body.decode(LumaBatchBody.self, bytes: bytes)
        if batch.isAceDataCloud { return try await aceDataCloud.tasks(bytes, context: context) }
        guard let ids = batch.ids else {
            throw GatewayError.invalidRequest("Field `ids` is required: an array of task ids.")
        }
        guard ids.count <= Self.maxBatch else {
            throw GatewayError.invalidRequest("Field `ids` has \(ids.count) ids; at most \(Self.maxBatch) can be asked at once.")
        }
        let stored = try await service.lumaViews(ids: ids, tokenID: token.id)
        return .json(StoredView.resolve(stored, asArray: true, publicURL: publicURL))
    }

    @Sendable func list(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let offset = try QueryParameters.integer(request, "offset", default: 0, range: 0...Int(Int32.max))
        let limit = try QueryParameters.integer(request, "limit", default: Self.defaultPageSize, range: 1...Self.maxBatch)
        let stored = try await service.listLumaViews(tokenID: token.id, offset: offset, limit: limit)
        return .json(StoredView.resolve(stored, asArray: true, publicURL: publicURL))
    }
}
