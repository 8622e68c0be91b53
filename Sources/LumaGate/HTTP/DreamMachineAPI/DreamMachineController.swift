import Hummingbird

/// Face 2: Luma's official Dream Machine API under `/dream-machine/v1`, over the same store and
/// tokens as the relay format, so Luma's own SDKs work against the gateway unchanged.
struct DreamMachineController: APIFace {
    let prefix = "dream-machine/v1"
    var openAPI: [UInt8] { PackageResources.dream_machine_openapi_json }

    let service: TaskService
    let tokens: TokenService
    let view: DreamMachineGenerationView
    let body: JSONRequestBody
    /// The dream-machine channels configured: upscale, audio, modify and reframe need one.
    let dreamMachineChannels: Set<String>
    let follower: TaskFollower

    static let defaultPageSize = 100
    static let maxPageSize = 1000
    /// What `GET /credits` reports for a token without a quota.
    static let unlimitedCreditBalance = 1_000_000_000

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.get("ping") { _, context in
            _ = try context.requireToken()
            return Response.json(.object([("message", .string("pong"))]))
        }
        router.get("credits") { _, context in
            // The request's token is the cached one, whose spending may be behind: read the row.
            let token = try context.requireToken()
            let remaining = (try await tokens.find(token.id) ?? token).remaining
            return Response.json(.object([("credit_balance", .int(remaining.map(Int.init) ?? Self.unlimitedCreditBalance))]))
        }
        router.get("generations/concepts/list") { _, context in
            _ = try context.requireToken()
            return Response.json(.array(DreamMachineCatalog.concepts.map(JSONValue.string)))
        }
        router.get("generations/camera_motion/list") { _, context in
            _ = try context.requireToken()
            return Response.json(.array(DreamMachineCatalog.cameraMotions.map(JSONValue.string)))
        }
        router.post("generations", use: createVideo)
        router.post("generations/video", use: createVideo)
        router.post("generations/image", use: createImage)
        router.get("generations", use: list)
        router.get("generations/:id", use: get)
        router.get("generations/:id/stream", use: stream)
        router.delete("generations/:id", use: delete)
        let operations: [(String, GenerationRequest.Kind, HTTPResponse.Status)] = [
            ("generations/:id/upscale", .upscaleVideo, .ok), ("generations/:id/audio", .addAudio, .ok),
            ("generations/video/modify", .modifyVideo, .created), ("generations/video/reframe", .reframeVideo, .created),
            ("generations/image/reframe", .reframeImage, .created),
        ]
        for (path, kind, status) in operations {
            router.post(RouterPath(path)) { request, context in try await self.relay(kind, request, context: context, status: status) }
        }
    }

    @Sendable func createVideo(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let (submitted, idempotency) = try await body.decodeSubmission(DreamMachineVideoBody.self, from: request)
        let accepted = try submitted.validated(models: service.models)
        let (start, end) = try await service.keyframeGenerations(
            start: accepted.startGenerationID, end: accepted.endGenerationID, tokenID: token.id,
            fields: ("keyframes.frame0.id", "keyframes.frame1.id"))
        let task = try await service.submit(
            token: token, request: accepted.request, images: accepted.images, start: start, end: end, idempotency: idempotency)
        return try await follower.created(task, request, service: service) { .json(view.render($0), status: .created) }
    }

    @Sendable func createImage(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let (submitted, idempotency) = try await body.decodeSubmission(DreamMachineImageBody.self, from: request)
        let task = try await service.submit(token: token, request: try submitted.validated(models: service.models), idempotency: idempotency)
        return try await follower.created(task, request, service: service) { .json(view.render($0), status: .created) }
    }

    @Sendable func get(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await follower.get(request, context: context, service: service, render: view.render)
    }

    @Sendable func stream(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await follower.stream(request, context: context, service: service, render: view.render)
    }

    @Sendable func delete(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        try await service.delete(id: try context.parameters.require("id"), tokenID: token.id)
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let offset = try QueryParameters.integer(request, "offset", default: 0, range: 0...Int(Int32.max))
        let limit = try QueryParameters.integer(request, "limit", default: Self.defaultPageSize, range: 1...Self.maxPageSize)
        // One extra row says whether there are more.
        let tasks = try await service.list(tokenID: token.id, offset: offset, limit: limit + 1)
        let page = tasks.prefix(limit)
        return .json(
            .object([
                ("has_more", .bool(tasks.count > limit)),
                ("count", .int(page.count)),
                ("limit", .int(limit)),
                ("offset", .int(offset)),
                ("generations", .array(page.map(view.render))),
            ]))
    }

    /// An operation only Luma can do, relayed to a dream-machine channel as the client asked for
    /// it. Upscale and audio act on one of the caller's finished videos, made through Luma.
    private func relay(
        _ kind: GenerationRequest.Kind, _ request: Request, context: GatewayRequestContext, status: HTTPResponse.Status
    ) async throws -> Response {
        let token = try context.requireToken()
        guard !dreamMachineChannels.isEmpty else {
            throw GatewayError.notImplemented(
                "\(kind.rawValue) needs Luma's Dream Machine API, and this gateway has no dream-machine channel configured.")
        }
        let (submitted, idempotency) = try await body.decodeSubmission(DreamMachineOperationBody.self, from: request)
        let accepted = try submitted.validated(as: kind, models: service.models)
        var source: VideoTask?
        if let id = context.parameters.get("id") {
            let task = try await service.task(id: id, tokenID: token.id)
            guard task.state == .completed, task.media?.video != nil else {
                throw GatewayError.conflict(
                    "Generation \(id) is \(DreamMachineGenerationView.state(task.state)); only a completed video can be used for \(kind.rawValue).")
            }
            guard dreamMachineChannels.contains(task.channel) else {
                throw GatewayError.invalidRequest(
                    "Generation \(id) was made by the gateway's sandbox, not by Luma; only Luma's own generations can be used for \(kind.rawValue).")
            }
            source = task
        }
        let task = try await service.submit(token: token, request: accepted, start: source, idempotency: idempotency)
        return .json(view.render(task), status: status)
    }
}
