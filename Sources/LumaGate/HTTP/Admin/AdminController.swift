import AsyncHTTPClient
import Foundation
import Hummingbird

/// The operator's API under `/admin`, for admin tokens only: tokens, channels with their health,
/// every token's tasks with their events, and usage totals. Channel changes are stored at once
/// and used by each gateway process from its next start, as with `lumagate channel`.
struct AdminController: APIFace {
    let prefix = "admin"
    var openAPI: [UInt8] { PackageResources.admin_openapi_json }

    let tokens: TokenService
    let tasks: TaskRepository
    let channels: ChannelRepository
    let ledger: LedgerRepository
    let lumaView: LumaTaskView
    let dreamMachineView: DreamMachineGenerationView
    let mediaURL: @Sendable (String) -> JSONValue
    let body: JSONRequestBody
    /// Channels this process routes new tasks to (the enabled ones as of its start).
    let routedChannels: Set<String>
    let httpClient: HTTPClient
    /// The workflows a ComfyUI channel is checked against.
    let comfyUI: ComfyUIModels
    /// What this process last heard of a channel's upstream queue (a ComfyUI machine's).
    let upstreamQueue: @Sendable (String) -> Int?
    let now: @Sendable () -> Date
    /// For `GET /admin/stream`, every task's changes as they happen.
    let follower: TaskFollower
    let service: TaskService
    let publicURL: PublicURL

    static let maxPageSize = 500

    /// Every route is for admin tokens.
    func register(on group: RouterGroup<GatewayRequestContext>) {
        let router = group.add(middleware: AdminMiddleware())
        router.get("tokens", use: listTokens)
        router.post("tokens", use: createToken)
        router.patch("tokens/:token", use: updateToken)
        router.delete("tokens/:token", use: revokeToken)
        router.get("channels", use: listChannels)
        router.post("channels", use: addChannel)
        router.post("channels/:name/enable") { request, context in try await self.setEnabled(true, context: context) }
        router.post("channels/:name/disable") { request, context in try await self.setEnabled(false, context: context) }
        router.post("channels/:name/test", use: testChannel)
        router.get("tasks", use: listTasks)
        router.get("tasks/:id", use: showTask)
        router.get("usage", use: usage)
        router.get("stream") { request, context in
            try await follower.tokenStream(request, context: context, service: service, publicURL: publicURL, everyToken: true)
        }
    }

    // MARK: Tokens

    @Sendable func listTokens(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        .json(.object([("tokens", try await renderedTokens())]))
    }

    @Sendable func createToken(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let input = try await body.decode(AdminTokenBody.self, from: request).validated()
        do {
            let (token, secret, signingSecret) = try await tokens.create(
                name: input.name, quota: input.quota, requestsPerMinute: input.requestsPerMinute, maxInFlight: input.maxInFlight,
                isAdmin: input.admin ?? false)
            let usage = TokenUsage(token: token, charged: 0, refunded: 0, tasks: [:])
            guard case .object(var members) = Self.render(usage) else { fatalError("a token renders as an object") }
            members += [("secret", .string(secret)), ("signing_secret", .string(signingSecret))]
            return .json(.object(members), status: .created)
        } catch let failure as TokenService.Failure {
            throw Self.gatewayError(failure)
        }
    }

    @Sendable func updateToken(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let key = try context.parameters.require("token")
        let update = try await body.decode(AdminTokenUpdateBody.self, from: request).validated()
        do {
            guard var current = try await tokens.find(key) else { throw TokenService.Failure.notFound(key) }
            if let quota = update.quota { current = try await tokens.setQuota(current.id, quota: quota) }
            if update.requestsPerMinute != nil || update.maxInFlight != nil {
                current = try await tokens.setLimits(
                    current.id, requestsPerMinute: update.requestsPerMinute ?? current.requestsPerMinute,
                    maxInFlight: update.maxInFlight ?? current.maxInFlight)
            }
            return .json(Self.render(try await tokens.usage(current.id)))
        } catch let failure as TokenService.Failure {
            throw Self.gatewayError(failure)
        }
    }

    @Sendable func revokeToken(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let key = try context.parameters.require("token")
        do {
            let revoked = try await tokens.revoke(key)
            return .json(Self.render(try await tokens.usage(revoked.id)))
        } catch let failure as TokenService.Failure {
            throw Self.gatewayError(failure)
        }
    }

    // MARK: Channels

    @Sendable func listChannels(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let inFlight = try await tasks.countAtUpstreamByChannel()
        return .json(.object([("channels", .array(try await channels.all().map { render($0, inFlight: inFlight[$0.name] ?? 0) }))]))
    }

    @Sendable func addChannel(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let input = try await body.decode(AdminChannelBody.self, from: request)
        let record: ChannelRecord
        do {
            record = try input.record(at: now().millis)
        } catch let invalid as ChannelRecord.Invalid {
            throw GatewayError.invalidRequest(invalid.description)
        }
        // A ComfyUI machine must run the workflows it is to serve before it takes a task.
        if record.kind == .comfyUI {
            do {
                _ = try await record.check(using: httpClient, comfyUI: comfyUI)
            } catch {
                throw GatewayError.invalidRequest("The ComfyUI machine at \(record.baseURL) cannot be added: \(error).")
            }
        }
        guard try await channels.add(record) else {
            throw GatewayError.conflict("A channel named \"\(record.name)\" already exists.")
        }
        return .json(render(record, inFlight: 0), status: .created)
    }

    func setEnabled(_ enabled: Bool, context: GatewayRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard try await channels.setEnabled(enabled, name: name, reason: enabled ? nil : "disabled by an operator") else {
            throw GatewayError.notFound("No channel is named \"\(name)\".")
        }
        return try await channelResponse(name)
    }

    @Sendable func testChannel(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let channel = try await channels.all().first(where: { $0.name == name }) else {
            throw GatewayError.notFound("No channel is named \"\(name)\".")
        }
        do {
            let found = try await channel.check(using: httpClient, comfyUI: comfyUI)
            return .json(.object([("name", .string(name)), ("ok", .bool(true)), ("detail", .string(found))]))
        } catch {
            return .json(.object([("name", .string(name)), ("ok", .bool(false)), ("detail", .string(String(describing: error)))]))
        }
    }

    private func channelResponse(_ name: String) async throws -> Response {
        guard let channel = try await channels.all().first(where: { $0.name == name }) else {
            throw GatewayError.notFound("No channel is named \"\(name)\".")
        }
        return .json(render(channel, inFlight: try await tasks.countAtUpstreamByChannel()[name] ?? 0))
    }

    /// A channel with its health: whether this process routes new tasks to it, why not, and its
    /// tasks now at the upstream against its cap.
    private func render(_ channel: ChannelRecord, inFlight: Int) -> JSONValue {
        let health: String
        if !channel.enabled {
            health = "disabled"
        } else if routedChannels.contains(channel.name) {
            health = "ok"
        } else {
            health = "restart to use"
        }
        return .object([
            ("name", .string(channel.name)),
            ("kind", .string(channel.kind.rawValue)),
            ("base_url", .string(channel.baseURL)),
            ("key", .string(channel.maskedKey)),
            ("enabled", .bool(channel.enabled)),
            ("health", .string(health)),
            ("disabled_reason", .optional(channel.disabledReason)),
            ("priority", .int(channel.priority)),
            ("weight", .int(channel.weight)),
            ("models", .array(channel.models.map(JSONValue.string))),
            ("max_in_flight", .optional(channel.maxInFlight)),
            ("in_flight", .int(inFlight)),
            ("upstream_queue", .optional(upstreamQueue(channel.name))),
            ("created_at", .string(RFC3339.timestamp(channel.createdAtMillis))),
        ])
    }

    // MARK: Tasks

    @Sendable func listTasks(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = TaskFilter(
            limit: try QueryParameters.integer(request, "limit", default: 50, range: 1...Self.maxPageSize),
            offset: try QueryParameters.integer(request, "offset", default: 0, range: 0...Int(Int32.max)))
        if let state = query.get("state") {
            guard let value = TaskState(rawValue: state) else {
                throw GatewayError.invalidRequest(
                    "Query parameter `state` must be one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            filter.state = value
        }
        if let key = query.get("token") {
            guard let token = try await tokens.find(key) else { throw GatewayError.notFound("No token has the id or name \"\(key)\".") }
            filter.tokenID = token.id
        }
        filter.channel = query.get("channel")
        filter.createdSince = try Self.time(query.get("since"), name: "since")
        filter.createdUntil = try Self.time(query.get("until"), name: "until")
        let (found, total) = try await tasks.search(filter)
        let names = Dictionary(uniqueKeysWithValues: try await tokens.list().map { ($0.id, $0.name) })
        return .json(
            .object([
                ("total", .int(total)),
                ("limit", .int(filter.limit)),
                ("offset", .int(filter.offset)),
                ("has_more", .bool(filter.offset + found.count < total)),
                ("tasks", .array(found.map { summary($0, tokenName: names[$0.tokenID]) })),
            ]))
    }

    @Sendable func showTask(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let task = try await tasks.find(id: id) else { throw GatewayError.notFound("No task has the id \(id).") }
        let tokenName = try await tokens.list().first { $0.id == task.tokenID }?.name
        let events = try await tasks.events(taskID: id).map(TaskEventView.render)
        return .json(
            .object([
                ("task", summary(task, tokenName: tokenName)),
                ("events", .array(events)),
                ("relay", task.request.kind?.producesImage == true ? .null : lumaView.render(task)),
                ("dream_machine", dreamMachineView.render(task)),
            ]))
    }

    /// What an operator scans a task by, with its media's URLs.
    private func summary(_ task: VideoTask, tokenName: String?) -> JSONValue {
        let media = task.state == .completed ? task.media : nil
        return .object([
            ("id", .string(task.id)),
            ("kind", .string((task.request.kind ?? .video).rawValue)),
            ("state", .string(task.state.rawValue)),
            ("token_id", .string(task.tokenID)),
            ("token_name", .optional(tokenName)),
            ("channel", .string(task.channel)),
            ("upstream_id", .optional(task.upstreamID)),
            ("prompt", .string(task.request.prompt)),
            ("model", .optional(task.request.officialModel)),
            ("aspect_ratio", .string(task.request.aspectRatio)),
            ("price", .int(Int(task.price))),
            ("failure_reason", .optional(task.failureReason)),
            ("created_at", .string(RFC3339.timestamp(task.createdAtMillis))),
            ("updated_at", .string(RFC3339.timestamp(task.updatedAtMillis))),
            ("video_url", media?.video.map { mediaURL($0.url) } ?? .null),
            ("thumbnail_url", (media?.thumbnail ?? media?.image).map { mediaURL($0.url) } ?? .null),
        ])
    }

    // MARK: Usage

    @Sendable func usage(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let credits = try await ledger.totals()
        let charged = credits[.charge] ?? 0
        let refunded = credits[.refund] ?? 0
        return .json(
            .object([
                ("charged", .int(Int(charged))),
                ("refunded", .int(Int(refunded))),
                ("net", .int(Int(charged - refunded))),
                ("tasks", Self.counts(try await tasks.countByState())),
                ("tokens", try await renderedTokens()),
            ]))
    }

    // MARK: Rendering

    /// Every token with its usage, as `GET /admin/tokens` and `/admin/usage` list them.
    private func renderedTokens() async throws -> JSONValue {
        var rendered: [JSONValue] = []
        for token in try await tokens.list() {
            rendered.append(Self.render(try await tokens.usage(token.id)))
        }
        return .array(rendered)
    }

    static func render(_ usage: TokenUsage) -> JSONValue {
        let token = usage.token
        return .object([
            ("id", .string(token.id)),
            ("name", .string(token.name)),
            ("admin", .bool(token.isAdmin)),
            ("state", .string(token.isRevoked ? "revoked" : "active")),
            ("created_at", .string(RFC3339.timestamp(token.createdAtMillis))),
            ("revoked_at", token.revokedAtMillis.map { .string(RFC3339.timestamp($0)) } ?? .null),
            ("quota", .optional(token.quota.map(Int.init))),
            ("used", .int(Int(token.used))),
            ("remaining", .optional(token.remaining.map(Int.init))),
            ("requests_per_minute", .optional(token.requestsPerMinute)),
            ("max_in_flight", .optional(token.maxInFlight)),
            ("charged", .int(Int(usage.charged))),
            ("refunded", .int(Int(usage.refunded))),
            ("tasks", counts(usage.tasks)),
        ])
    }

    private static func counts(_ byState: [TaskState: Int]) -> JSONValue {
        .object(TaskState.allCases.map { ($0.rawValue, .int(byState[$0] ?? 0)) })
    }

    /// An RFC 3339 time or milliseconds since 1970, as the operator prefers to type it.
    private static func time(_ text: String?, name: String) throws -> Int64? {
        guard let text else { return nil }
        if let millis = Int64(text) { return millis }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.millis }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date.millis }
        throw GatewayError.invalidRequest("Query parameter `\(name)` must be an RFC 3339 time (2026-01-31T12:00:00Z) or milliseconds since 1970.")
    }

    private static func gatewayError(_ failure: TokenService.Failure) -> GatewayError {
        switch failure {
        case .nameTaken: .conflict(failure.description)
        case .blankName: .invalidRequest("Field `name` must not be blank.")
        case .longName: .invalidRequest("Field `name` is longer than \(TokenService.maxNameLength) characters.")
        case .notFound: .notFound(failure.description)
        }
    }
}
