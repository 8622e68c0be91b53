import Hummingbird
import NIOCore
import ServiceLifecycle

extension Gateway {
    /// The API faces, each with its routes, OpenAPI file and error shape: the one list of them.
    func faces() -> [any APIFace] {
        let publicURL = self.publicURL
        let mediaURL: @Sendable (String) -> JSONValue = { .string(publicURL.media($0)) }
        let body = JSONRequestBody(maxBytes: configuration.maxBodyBytes)
        let follower = TaskFollower(
            watchers: database.watchers ?? TaskWatchers(), maxPerToken: configuration.maxWatchersPerToken,
            maxPerProcess: configuration.maxWatchers)
        let aceDataCloud = AceDataCloudController(
            service: taskService, view: AceDataCloudVideoView(mediaURL: mediaURL), body: body, publicURL: publicURL, follower: follower)
        return [
            LumaController(
                service: taskService, view: LumaTaskView(mediaURL: mediaURL), body: body, publicURL: publicURL, follower: follower,
                aceDataCloud: aceDataCloud),
            aceDataCloud,
            PiAPIController(service: taskService, view: PiAPITaskView(mediaURL: mediaURL), body: body, follower: follower),
            DreamMachineController(
                service: taskService, tokens: tokens, view: DreamMachineGenerationView(mediaURL: mediaURL), body: body,
                dreamMachineChannels: Set(dreamMachines.map(\.name)), follower: follower),
            AgentsController(
                service: taskService, view: AgentsGenerationView(mediaURL: mediaURL), body: body,
                files: AgentsFilesController(files: fileLibrary, view: AgentsFileView(), body: body, publicURL: publicURL), follower: follower),
            OpenAIVideosController(
                service: taskService, media: OpenAIVideoContent(store: mediaStore, outbound: outbound, ffmpeg: ffmpeg), body: body,
                defaultModel: configuration.openAIDefaultModel,
                view: OpenAIVideoView(
                    retentionSeconds: configuration.mediaRetentionDays.map { Int64($0 * 86400) }, models: configuration.models,
                    channels: taskService.channels),
                follower: follower,
                webhookEndpoints: OpenAIWebhookEndpointsController(
                    endpoints: WebhookEndpointRepository(database: database), outbound: outbound, body: body, now: tokens.now)),
            AdminController(
                tokens: tokens, tasks: tasks, channels: ChannelRepository(database: database), ledger: LedgerRepository(database: database),
                lumaView: LumaTaskView(mediaURL: mediaURL), dreamMachineView: DreamMachineGenerationView(mediaURL: mediaURL),
                mediaURL: mediaURL, body: body, routedChannels: Set(taskService.router.channels.map(\.name)),
                httpClient: httpClient, comfyUI: configuration.comfyUI,
                upstreamQueue: { [router = taskService.router] name in router.channels.first { $0.name == name }?.queueLength },
                now: tokens.now, follower: follower, service: taskService,
                publicURL: publicURL),
        ]
    }

    /// The HTTP application. `onServerRunning` hears the port actually bound.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> App {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        let faces = self.faces()
        let routes = RouteTable()
        router.add(middleware: ErrorMiddleware(routes: routes, shapes: faces.map { ("/\($0.prefix)", $0.errorShape) }))
        router.add(middleware: QueryNULMiddleware())
        let media = MediaResponder(store: mediaStore)
        router.get("media/**") { request, context in
            try await media.response(for: String(request.uri.path.dropFirst("/media/".count)), request: request, context: context)
        }
        router.get("healthz") { _, _ in Response.json(.object([("status", .string("ok"))])) }
        let document = OpenAPIDocument(faces: faces)
        router.get("openapi.json") { _, _ in document.response }
        let (tasks, metrics, ledger) = (self.tasks, self.metrics, LedgerRepository(database: database))
        let metricsToken = configuration.metricsToken
        router.get("metrics") { request, _ in
            if let metricsToken, !SecretComparison.equal(request.headers[.authorization] ?? "", "Bearer \(metricsToken)") {
                throw GatewayError.unauthorized("This gateway's metrics need Authorization: Bearer <its --metrics-token>.")
            }
            let text = metrics.exposition(tasksByState: try await tasks.countByState(), credits: try await ledger.totals())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }

        DreamMachineCallbackController(tasks: tasks, channels: dreamMachines, poller: poller, logger: logger).register(on: router)
        let auth = AuthMiddleware(
            tokens: tokens, rateLimiter: RequestRateLimiter(database: database), defaultRequestsPerMinute: configuration.defaultRequestsPerMinute,
            now: tokens.now)
        for face in faces {
            var auth = auth
            auth.acceptsAPIKeyHeader = face.acceptsAPIKeyHeader
            face.register(on: router.group(RouterPath(face.prefix)).add(middleware: auth))
            face.registerPublic(on: router)
        }
        ModelsController(models: configuration.models, pricing: taskService.pricing).register(on: router.group("models").add(middleware: auth))
        DashboardController().register(on: router)
        routes.load(from: router)

        let (configuration, publicURL) = (self.configuration, self.publicURL)
        let openConnections = OpenConnections(limit: configuration.edge.maxConnections)
        var services: [any Service] = [
            poller, webhooks, channelSync, uploadSweeper,
            UpstreamFollower(channels: Array(poller.channels.values), tasks: tasks, poller: poller, now: taskService.now, logger: logger),
        ]
        if let mediaRetention { services.append(mediaRetention) }
        if database.isShared { services.append(KeptCountsFolder(database: database, interval: .seconds(1), logger: logger)) }
        return Application(
            responder: WaitingRequestResponder(base: HeadResponder(base: router.buildResponder())),
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionDeadlines(limits: configuration.edge, open: openConnections)])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "lumagate"),
            services: configuration.runsPoller ? services : [],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                if configuration.publicURL == nil {
                    publicURL.set("http://\(configuration.host):\(port)")
                }
                await onServerRunning(port)
            },
            logger: logger
        )
    }

}
