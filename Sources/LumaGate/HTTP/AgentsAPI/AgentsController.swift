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
        for (position, reference) in accepted.references.enumerated() {
            images.references.append(try await imageSource(reference, field: "image_ref[\(position)]", token: token))
        }
        if let video = accepted.sourceVideo {
            var sources = TaskService.ImageSources()
            sources.video = (video, "source")
            sources.keyframesParent = "video.edit"
            sources.keyframes = try await keyframeSources(accepted.keyframes, parent: "video.edit", token: token)
            let task = try await service.submit(token: token, request: accepted.request, images: sources, idempotency: idempotency)
            return try await follower.created(task, request, service: service) { .json(view.render($0), status: .created) }
        }
        switch accepted.source {
        case .generation(let id) where !accepted.request.producesImage:
            let source = try await service.keyframeGeneration(id: id, tokenID: token.id, field: "source.generation_id")
            var keyframes = TaskService.ImageSources()
            keyframes.keyframesParent = "video.edit"
            keyframes.keyframes = try await keyframeSources(accepted.keyframes, parent: "video.edit", token: token)
            let task = try await service.change(source, request: accepted.request, token: token, keyframes: keyframes, idempotency: idempotency)
            return try await follower.created(task, request, service: service) { .json(view.render($0), status: .created) }
        case .generation(let id):
            let made = try await service.editableImage(id: id, tokenID: token.id, field: "source.generation_id")
            images.first = made.source
            if accepted.sourceSetsRatio { accepted.request.aspectRatio = made.aspectRatio }
        case let source?:
            images.first = try await imageSource(source, field: "source", token: token)
            images.firstSetsRatio = accepted.sourceSetsRatio
        case nil: break
        }
        var start: VideoTask?
        var end: VideoTask?
        switch accepted.start {
        case .generation(let id): start = try await service.keyframeGeneration(id: id, tokenID: token.id, field: "video.start_frame.generation_id")
        case let frame?: images.first = try await imageSource(frame, field: "video.start_frame", token: token)
        case nil: break
        }
        switch accepted.end {
        case .generation(let id):
            end = try await service.keyframeGeneration(id: id, tokenID: token.id, field: "video.end_frame.generation_id", other: start)
        case let frame?: images.last = try await imageSource(frame, field: "video.end_frame", token: token)
        case nil: break
        }
        images.keyframes = try await keyframeSources(accepted.keyframes, parent: "video", token: token)
        let task = try await service.submit(token: token, request: accepted.request, images: images, start: start, end: end, idempotency: idempotency)
        return try await follower.created(task, request, service: service) { .json(view.render($0), status: .created) }
    }

    /// An image field's value as the service takes it in: the client's URL or data, one of its
    /// files, or one of its finished images.
    private func imageSource(_ frame: AgentsGenerationBody.Frame, field: String, token: APIToken) async throws -> String {
        switch frame {
        case .image(let source): source
        case .file(let id): try await service.uploadURL(id: id, tokenID: token.id, field: "\(field).file_id")
        case .generation(let id): try await service.editableImage(id: id, tokenID: token.id, field: "\(field).generation_id").source
        }
    }

    private func keyframeSources(
        _ keyframes: [(frame: AgentsGenerationBody.Frame, index: Int)], parent: String, token: APIToken
    ) async throws -> [(source: String, index: Int)] {
        var sources: [(source: String, index: Int)] = []
        for (position, keyframe) in keyframes.enumerated() {
            sources.append((try await imageSource(keyframe.frame, field: "\(parent).keyframes[\(position)]", token: token), keyframe.index))
        }
        return sources
    }

    @Sendable func get(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await follower.get(request, context: context, service: service, render: view.render)
    }

    @Sendable func stream(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await follower.stream(request, context: context, service: service, render: view.render)
    }
}
