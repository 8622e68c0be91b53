import Hummingbird

/// Face 3: Luma's current Agents API under `/agents/v1`, over the same store, tokens, quotas and
/// idempotency keys as the other faces, so Luma's `luma-agents` SDK works against the gateway
/// unchanged.
struct AgentsController: APIFace {
    let prefix = "agents/v1"
    var openAPI: [UInt8] { PackageResources.agents_openapi_json }
    let service: TaskService
    let view: AgentsGenerationView
    let body: JSONRequestBody
    /// The face's Files API.
    let files: AgentsFilesController
    let follower: TaskFollower

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.post("generations", use: create)
        router.get("generations/:id", use: get)
        router.get("generations/:id/stream", use: stream)
        files.register(on: router)
    }

    /// A file's presigned upload URL carries its own secret instead of a token.
    func registerPublic(on router: Router<GatewayRequestContext>) {
        files.registerUploads(on: router)
    }

    @Sendable func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let (submitted, idempotency) = try await body.decodeSubmission(AgentsGenerationBody.self, from: request)
        var accepted = try submitted.validated(models: service.models)
        var images = TaskService.ImageSources(firstField: accepted.source == nil ? "video.start_frame" : "source", lastField: "video.end_frame")
        switch accepted.source {
        case .image(let source): images.first = source
        case .file(let id): images.first = try await service.uploadURL(id: id, tokenID: token.id, field: "source.file_id")
        case .generation(let id) where !accepted.request.producesImage:
            let source = try await service.keyframeGeneration(id: id, tokenID: token.id, field: "source.generation_id")
            let task = try await service.change(source, request: accepted.request, token: token, idempotency: idempotency)
            return try await follower.created(task, request, service: service) { .json(view.render($0), status: .created) }
        case .generation(let id):
            let made = try await service.editableImage(id: id, tokenID: token.id, field: "source.generation_id")
            images.first = made.source
            // Left out, the edit keeps the frame of the image it edits.
            if submitted.aspect_ratio == nil { accepted.request.aspectRatio = made.aspectRatio }
        case nil: break
        }
        var start: VideoTask?
        var end: VideoTask?
        switch accepted.start {
        case .image(let source): images.first = source
        case .file(let id): images.first = try await service.uploadURL(id: id, tokenID: token.id, field: "video.start_frame.file_id")
        case .generation(let id): start = try await service.keyframeGeneration(id: id, tokenID: token.id, field: "video.start_frame.generation_id")
        case nil: break
        }
        switch accepted.end {
        case .image(let source): images.last = source
        case .file(let id): images.last = try await service.uploadURL(id: id, tokenID: token.id, field: "video.end_frame.file_id")
        case .generation(let id):
            end = try await service.keyframeGeneration(id: id, tokenID: token.id, field: "video.end_frame.generation_id", other: start)
        case nil: break
        }
        for (position, keyframe) in accepted.keyframes.enumerated() {
            switch keyframe.frame {
            case .image(let source): images.keyframes.append((source, keyframe.index))
            case .file(let id):
                images.keyframes.append(
                    (try await service.uploadURL(id: id, tokenID: token.id, field: "video.keyframes[\(position)].file_id"), keyframe.index))
            case .generation: break  // refused by the body's rules
            }
        }
        let task = try await service.submit(token: token, request: accepted.request, images: images, start: start, end: end, idempotency: idempotency)
        return try await follower.created(task, request, service: service) { .json(view.render($0), status: .created) }
    }

    @Sendable func get(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await follower.get(request, context: context, service: service, render: view.render)
    }

    @Sendable func stream(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await follower.stream(request, context: context, service: service, render: view.render)
    }
}
