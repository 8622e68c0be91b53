import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore

/// OpenAI's webhook endpoints under `/v1`, as the `openai` SDKs' `client.webhooks` speak them: a
/// token registers URLs that hear `video.completed` and `video.failed` for its videos, signed as
/// Standard Webhooks with each endpoint's `whsec_` secret, through the webhook outbox.
struct OpenAIWebhookEndpointsController: Sendable {
    let endpoints: WebhookEndpointRepository
    let outbound: OutboundClient
    let body: JSONRequestBody
    let now: @Sendable () -> Date

    static let defaultPageSize = 20
    static let maxPageSize = 100
    /// How long a rotated-out secret keeps signing when the client asks to keep it.
    static let keptSecretMillis: Int64 = 24 * 3600 * 1000

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.post("webhook_endpoints", use: create)
        router.get("webhook_endpoints", use: list)
        router.get("webhook_endpoints/:id", use: retrieve)
        router.post("webhook_endpoints/:id", use: update)
        router.delete("webhook_endpoints/:id", use: delete)
        router.post("webhook_endpoints/:id/rotate_secret", use: rotateSecret)
        router.post("webhook_endpoints/:id/test", use: test)
        router.get("webhook_event_types", use: eventTypes)
    }

    private struct CreateBody: Decodable {
        var name: String
        var url: String
        var event_types: [String]
    }

    private struct UpdateBody: Decodable {
        var name: String?
        var url: String?
        var event_types: [String]?
    }

    private struct RotateBody: Decodable {
        var keep_old_secret_active_for_24_hours: Bool?
    }

    private struct TestBody: Decodable {
        var event_type: String
    }

    @Sendable func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let fields = try await body.decode(CreateBody.self, from: request)
        let at = now().millis
        let endpoint = WebhookEndpoint(
            id: WebhookEndpoint.newID(), tokenID: token.id, name: try Self.name(fields.name), url: try allowedURL(fields.url),
            eventTypes: try Self.eventTypes(fields.event_types), signingSecret: WebhookEndpoint.newSecret(), createdAtMillis: at,
            updatedAtMillis: at)
        try await endpoints.create(endpoint)
        return .json(Self.render(endpoint, withSecret: true))
    }

    @Sendable func list(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let limit = try QueryParameters.integer(request, "limit", default: Self.defaultPageSize, range: 1...Self.maxPageSize)
        var cursor: WebhookEndpoint?
        if let after = request.uri.queryParameters.get("after") {
            cursor = try await endpoints.find(id: after, tokenID: token.id)
            guard cursor != nil else { throw GatewayError.invalidRequest("Query parameter `after` names no webhook endpoint of this token.") }
        }
        let page = try await endpoints.list(tokenID: token.id, after: cursor, limit: limit + 1)
        let shown = page.prefix(limit)
        return .json(
            .object([
                ("object", .string("list")), ("data", .array(shown.map { Self.render($0, withSecret: false) })),
                ("first_id", .optional(shown.first?.id)), ("last_id", .optional(shown.last?.id)), ("has_more", .bool(page.count > limit)),
            ]))
    }

    @Sendable func retrieve(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        .json(Self.render(try await endpoint(request, context), withSecret: false))
    }

    @Sendable func update(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        var endpoint = try await endpoint(request, context)
        let fields = try await body.decode(UpdateBody.self, from: request)
        let before = endpoint
        if let name = fields.name { endpoint.name = try Self.name(name) }
        if let url = fields.url { endpoint.url = try allowedURL(url) }
        if let types = fields.event_types { endpoint.eventTypes = try Self.eventTypes(types) }
        if endpoint != before {
            endpoint.updatedAtMillis = now().millis
            try await endpoints.update(endpoint)
        }
        return .json(Self.render(endpoint, withSecret: false))
    }

    @Sendable func delete(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try context.parameters.require("id")
        guard try await endpoints.delete(id: id, tokenID: token.id) else { throw Self.notFound(id) }
        return .json(.object([("id", .string(id)), ("object", .string("webhook_endpoint.deleted")), ("deleted", .bool(true))]))
    }

    @Sendable func rotateSecret(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        var endpoint = try await endpoint(request, context)
        let keep = Self.hasBody(request) ? try await body.decode(RotateBody.self, from: request).keep_old_secret_active_for_24_hours : nil
        let at = now().millis
        (endpoint.previousSecret, endpoint.previousSecretUntilMillis) =
            keep == true ? (endpoint.signingSecret, at + Self.keptSecretMillis) : (nil, nil)
        endpoint.signingSecret = WebhookEndpoint.newSecret()
        endpoint.updatedAtMillis = at
        try await endpoints.update(endpoint)
        return .json(Self.render(endpoint, withSecret: true))
    }

    /// Sends a sample event to the endpoint now, signed as a real one, and answers the status its
    /// receiver gave. A receiver that cannot be reached (or may not be, by the outbound policy) is
    /// a 400 that says why.
    @Sendable func test(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let endpoint = try await endpoint(request, context)
        let type = try await body.decode(TestBody.self, from: request).event_type
        guard WebhookEndpoint.eventTypes.contains(type) else {
            throw GatewayError.invalidRequest("Field `event_type` must be one of \(FieldRules.list(WebhookEndpoint.eventTypes)).")
        }
        let sentAt = now()
        let event = OpenAIWebhookEvent.make(
            type: type, videoID: "video_test_" + String(endpoint.id.suffix(8)), at: Int64(sentAt.timeIntervalSince1970))
        var post = HTTPClientRequest(url: endpoint.url)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        post.headers.add(name: "User-Agent", value: "lumagate-webhooks")
        for (name, value) in StandardWebhookSignature.headers(
            id: event.id, body: Array(event.payload.utf8), secrets: endpoint.secrets(at: sentAt.millis), at: sentAt)
        {
            post.headers.add(name: name, value: value)
        }
        post.body = .bytes(ByteBuffer(string: event.payload))
        let status: Int
        do {
            status = try await outbound.send(post, maxBodyBytes: 64 * 1024, timeout: .seconds(10)).status
        } catch {
            throw GatewayError.invalidRequest("The test event could not be delivered to the endpoint's `url`: \(error).")
        }
        return .json(
            .object([
                ("object", .string("webhook_endpoint.test")), ("event_type", .string(type)), ("status_code", .int(status)),
                ("success", .bool(true)), ("webhook_endpoint_id", .string(endpoint.id)),
            ]))
    }

    @Sendable func eventTypes(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        _ = try context.requireToken()
        return .json(.object([("object", .string("list")), ("data", .array(WebhookEndpoint.eventTypes.map { .string($0) }))]))
    }

    private func endpoint(_ request: Request, _ context: GatewayRequestContext) async throws -> WebhookEndpoint {
        let token = try context.requireToken()
        let id = try context.parameters.require("id")
        guard let endpoint = try await endpoints.find(id: id, tokenID: token.id) else { throw Self.notFound(id) }
        return endpoint
    }

    private static func notFound(_ id: String) -> GatewayError {
        .notFound("No webhook endpoint \(id) belongs to this token.")
    }

    /// Whether a body came: `rotate_secret`'s is optional.
    private static func hasBody(_ request: Request) -> Bool {
        request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.transferEncoding] != nil)
    }

    static func render(_ endpoint: WebhookEndpoint, withSecret: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(endpoint.id)), ("object", .string("webhook_endpoint")), ("name", .string(endpoint.name)),
            ("url", .string(endpoint.url)), ("event_types", .array(endpoint.eventTypes.map { .string($0) })),
            ("created_at", .int(Int(endpoint.createdAtMillis / 1000))), ("updated_at", .int(Int(endpoint.updatedAtMillis / 1000))),
            ("signing_secret_hint", .string(endpoint.secretHint)),
        ]
        if withSecret { members.append(("signing_secret", .string(endpoint.signingSecret))) }
        return .object(members)
    }

    private static func name(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, name.count <= 256 else {
            throw GatewayError.invalidRequest("Field `name` must be a name of 1 to 256 characters.")
        }
        return name
    }

    /// An http(s) URL the outbound rules let the gateway post to, as far as can be told before a
    /// lookup (a host that resolves to a private address is refused at each delivery).
    private func allowedURL(_ url: String) throws -> String {
        try FieldRules.webhookURL("url", url)
        if outbound.policy.refusalBeforeLookup(url) != nil {
            throw GatewayError.invalidRequest("Field `url` points at a local or private address, which this gateway does not send webhooks to.")
        }
        return url
    }

    private static func eventTypes(_ types: [String]) throws -> [String] {
        guard !types.isEmpty else { throw GatewayError.invalidRequest("Field `event_types` must name at least one event type.") }
        for (index, type) in types.enumerated() where !WebhookEndpoint.eventTypes.contains(type) {
            throw GatewayError.invalidRequest(
                "Field `event_types[\(index)]` is \"\(type)\"; this gateway sends only \(FieldRules.list(WebhookEndpoint.eventTypes)).")
        }
        return WebhookEndpoint.eventTypes.filter(types.contains)
    }
}
