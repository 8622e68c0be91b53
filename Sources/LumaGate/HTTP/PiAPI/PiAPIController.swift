import Foundation
import Hummingbird
import NIOCore

/// PiAPI's unified task API for its `luma` model, under `/api/v1`: `POST /task` and `GET
/// /task/{task_id}`, with the token in `x-api-key` as PiAPI's clients send their key.
struct PiAPIController: APIFace {
    let prefix = "api/v1"
    var openAPI: [UInt8] { PackageResources.piapi_openapi_json }
    var errorShape: any ErrorShape { PiAPIErrorShape() }
    var acceptsAPIKeyHeader: Bool { true }

    let service: TaskService
    let view: PiAPITaskView
    let body: JSONRequestBody
    let follower: TaskFollower

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.post("task", use: create)
        router.get("task/:id", use: get)
    }

    @Sendable func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let bytes = try await body.bytes(of: request)
        let idempotency = try JSONRequestBody.idempotency(of: request, body: bytes)
        let submitted = try body.decode(PiAPITaskBody.self, bytes: bytes)
        let accepted = try submitted.validated(models: service.models, body: try body.decode(JSONValue.self, bytes: bytes))
        let (start, end) = try await service.keyframeGenerations(
            start: accepted.startGenerationID, end: accepted.endGenerationID, tokenID: token.id,
            fields: ("input.key_frames.frame0.id", "input.key_frames.frame1.id"))
        let task = try await service.submit(
            token: token, request: accepted.request, images: accepted.images, start: start, end: end, idempotency: idempotency)
        return try await follower.created(task, request, service: service) { .json(view.envelope($0, startedAtMillis: nil)) }
    }

    @Sendable func get(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let (token, id) = (try context.requireToken(), try context.parameters.require("id"))
        return try await follower.get(request, taskID: id, tokenID: token.id) {
            guard let found = try await service.tasksWithEvents(ids: [id], tokenID: token.id).first else { throw GatewayError.taskNotFound(id) }
            let started = TaskEvent.startedAtMillis(found.events)
            return ByteBuffer(bytes: view.envelope(found.task, startedAtMillis: started).bytes())
        }
    }
}
