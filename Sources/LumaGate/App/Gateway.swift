import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The composition root: configuration → database → migrations → services → router.
/// Everything the gateway uses is built here and passed in; nothing is global.
public final class Gateway: Sendable {
    public typealias App = Application<HeadResponder<RouterResponder<GatewayRequestContext>>>

    public let configuration: GatewayConfiguration
    public let database: Database
    public let tasks: TaskRepository
    public let tokens: TokenService
    public let taskService: TaskService
    public let poller: Poller
    public let webhooks: WebhookDispatcher
    let channelSync: ChannelSync
    let uploadSweeper: UploadSweeper
    public let mediaRetention: MediaRetention?
    let videoContent: OpenAIVideoContent
    /// Where the gateway keeps media (every service that writes or reads it has the same one).
    var mediaStore: MediaStore { videoContent.store }
    let fileLibrary: FileLibrary
    public let metrics: GatewayMetrics
    public let publicURL: PublicURL
    public let engineDescription: String
    /// The Dream Machine channels, which Luma's callbacks reach.
    var dreamMachines: [DreamMachineChannel] { poller.channels.values.compactMap { $0 as? DreamMachineChannel } }
    let httpClient: HTTPClient
    let logger: Logger

    private init(
        configuration: GatewayConfiguration, database: Database, tasks: TaskRepository, tokens: TokenService,
        taskService: TaskService, poller: Poller, webhooks: WebhookDispatcher, channelSync: ChannelSync, uploadSweeper: UploadSweeper,
        mediaRetention: MediaRetention?,
        videoContent: OpenAIVideoContent, fileLibrary: FileLibrary, metrics: GatewayMetrics,
        publicURL: PublicURL, engineDescription: String,
        httpClient: HTTPClient, logger: Logger
    ) {
        self.configuration = configuration
        self.database = database
        self.tasks = tasks
        self.tokens = tokens
        self.taskService = taskService
        self.poller = poller
        self.webhooks = webhooks
        self.channelSync = channelSync
        self.uploadSweeper = uploadSweeper
        self.mediaRetention = mediaRetention
        self.videoContent = videoContent
        self.fileLibrary = fileLibrary
        self.metrics = metrics
        self.publicURL = publicURL
        self.engineDescription = engineDescription
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Opens the store (migrating it) and builds every service.
    public static func open(
        _ configuration: GatewayConfiguration,
        now: @escaping @Sendable () -> Date = { Date() },
        newID: @escaping @Sendable () -> UUID = { UUID() },
        logger: Logger
    ) async throws -> Gateway {
        if let model = configuration.openAIDefaultModel, !configuration.models.names(on: .openAI, kind: .video).contains(model) {
            throw CatalogueError("the default model of /v1/videos must be one of \(configuration.models.names(on: .openAI, kind: .video).joined(separator: ", ")), not \(model)")
        }
        let database = try await Database.open(configuration.databaseLocation, queryCacheBytes: configuration.queryCacheBytes, logger: logger)
        let tasks = TaskRepository(database: database)
        let webhookDeliveries = WebhookRepository(database: database)
        let outbound = OutboundClient(policy: OutboundPolicy(allowedHosts: configuration.outboundAllowHosts))
        if !database.isShared {
            // The embedded store belongs to this one process: a lease left in it is from a previous
            // run that stopped mid-work, and that work is picked up again now. In a shared store a
            // lease may be another live process's; a dead one's expires on its own.
            try await tasks.releaseAllLeases()
            try await webhookDeliveries.releaseAllLeases()
        }

        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let bucket = configuration.mediaBucket.map { S3Bucket(location: $0.location, credentials: $0.credentials, httpClient: httpClient) }
        let store = MediaStore(root: configuration.mediaDirectory, bucket: bucket)
        try FileManager.default.createDirectory(atPath: store.root, withIntermediateDirectories: true)
        let publicURL = PublicURL(configuration.publicURL ?? "http://\(configuration.host):\(configuration.port)",
                                  links: configuration.mediaLinks, bucket: bucket)

        var ffmpeg = FFmpeg.locate()
        ffmpeg?.timeLimit = .seconds(configuration.mediaJobSeconds)
        let sandbox = SandboxChannel(
            schedule: configuration.sandbox, renderer: ffmpeg.map { SandboxRenderer(ffmpeg: $0, store: store) },
            store: store, models: configuration.models, sharesMedia: database.isShared, now: now, logger: logger)
        // The sandbox stays registered even with an upstream, so its tasks in flight still finish.
        var channels: [any UpstreamChannel] = [sandbox]
        var engineDescription = ffmpeg.map { "sandbox (renders with \($0.executable))" }
            ?? "sandbox WITHOUT ffmpeg: install it (apt-get install ffmpeg) or every task will fail"
        // Upstream channels: the stored ones, and those from the environment unless a stored
        // channel has their name. Every one is built, so tasks on a disabled channel still finish;
        // only the enabled ones take new tasks. With none enabled, the sandbox takes them.
        let channelRepository = ChannelRepository(database: database)
        var records = try await channelRepository.all()
        let storedChannels = Set(records.map(\.name))
        for kind in ChannelKinds.all {
            if let record = kind.environmentRecord(in: configuration), !storedChannels.contains(record.name) { records.append(record) }
        }
        let inspector = RemoteMediaInspector(outbound: outbound, ffmpeg: ffmpeg, store: store)
        let parts = ChannelParts(
            configuration: configuration, httpClient: httpClient, publicURL: publicURL, store: store, inspector: inspector,
            keeper: OutputKeeper(outbound: outbound, stills: VideoStills(ffmpeg: ffmpeg, store: store), store: store, settings: configuration.outputKeeping),
            now: now)
        var routes: [ChannelRouter.Entry] = []
        for record in records {
            guard let kind = record.kind.definition else { continue }
            let channel = kind.channel(for: record, parts: parts)
            channels.append(channel)
            routes.append(.init(channel: channel, route: record.route))
        }
        // Disabled channels stay routable, so enabling one later takes effect without a restart.
        var disabled = Dictionary(records.filter { !$0.enabled }.map { ($0.name, $0.disabledReason ?? "disabled by an operator") },
                                  uniquingKeysWith: { first, _ in first })
        if !records.contains(where: \.enabled) {
            (routes, disabled) = ([.init(channel: sandbox)], [:])
        } else {
            engineDescription = "upstream channels "
                + records.filter(\.enabled).map { "\($0.name) (priority \($0.priority), weight \($0.weight))" }.joined(separator: ", ")
                + (ffmpeg == nil ? "; no ffmpeg: last frames and palettes of Luma's videos will be null" : "")
        }
        let router = ChannelRouter(entries: routes, models: configuration.models, disabled: disabled, logger: logger) { name, reason in
            _ = try? await channelRepository.setEnabled(false, name: name, reason: reason)
        }

        let metrics = GatewayMetrics()
        let poller = Poller(tasks: tasks, channels: channels, router: router, metrics: metrics, settings: configuration.poller, store: store,
                            now: now, logger: logger)
        let taskService = TaskService(
            tasks: tasks, uploads: UploadRepository(database: database),
            images: ImageIntake(outbound: outbound, normalizer: ImageNormalizer(ffmpeg: ffmpeg), store: store, publicURL: publicURL,
                                maxBytes: configuration.maxImageBytes, maxConcurrentFetches: configuration.maxConcurrentImageFetches,
                                maxFetchesPerToken: configuration.maxImageFetchesPerToken, timeout: configuration.imageFetchTimeout),
            store: store, router: router, outboundPolicy: outbound.policy, models: configuration.models, pricing: configuration.pricing,
            defaultMaxInFlight: configuration.defaultMaxInFlight, uploadLimits: configuration.uploads, now: now, newID: newID, onSubmit: { [poller] in poller.wakeUp() })
        return Gateway(
            configuration: configuration, database: database, tasks: tasks,
            tokens: TokenService(repository: TokenRepository(database: database), now: now),
            taskService: taskService, poller: poller,
            webhooks: WebhookDispatcher(
                deliveries: webhookDeliveries, outbound: outbound, publicURL: publicURL, metrics: metrics,
                settings: configuration.webhooks,
                now: now, logger: logger),
            channelSync: ChannelSync(channels: channelRepository, router: router, storedAtStart: storedChannels,
                                     interval: configuration.channelSyncInterval, logger: logger),
            uploadSweeper: UploadSweeper(uploads: UploadRepository(database: database), store: store, limits: configuration.uploads,
                                         now: now, logger: logger),
            mediaRetention: configuration.mediaRetentionDays.map {
                MediaRetention(tasks: tasks, store: store, retentionDays: $0, now: now, logger: logger)
            },
            videoContent: OpenAIVideoContent(store: store, outbound: outbound, ffmpeg: ffmpeg),
            fileLibrary: FileLibrary(uploads: UploadRepository(database: database), normalizer: ImageNormalizer(ffmpeg: ffmpeg), store: store,
                                     limits: configuration.uploads, maxBytes: configuration.maxImageBytes, now: now, newID: newID),
            metrics: metrics, publicURL: publicURL, engineDescription: engineDescription,
            httpClient: httpClient, logger: logger)
    }

    /// The HTTP application. `onServerRunning` hears the port actually bound.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> App {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        let routes = RouteTable()
        router.add(middleware: ErrorMiddleware(routes: routes, shapes: [("/v1/", OpenAIErrorShape())]))
        router.add(middleware: QueryNULMiddleware())
        let media = MediaResponder(store: mediaStore)
        router.get("media/**") { request, context in
            try await media.response(for: String(request.uri.path.dropFirst("/media/".count)), request: request, context: context)
        }
        router.get("healthz") { _, _ in Response.json(.object([("status", .string("ok"))])) }
        router.get("openapi.json") { _, _ in OpenAPIDocument.response }
        let (tasks, metrics, ledger) = (self.tasks, self.metrics, LedgerRepository(database: database))
        let metricsToken = configuration.metricsToken
        router.get("metrics") { request, _ in
            if let metricsToken, !SecretComparison.equal(request.headers[.authorization] ?? "", "Bearer \(metricsToken)") {
                throw GatewayError.unauthorized("This gateway's metrics need Authorization: Bearer <its --metrics-token>.")
            }
            let text = metrics.exposition(tasksByState: try await tasks.countByState(), credits: try await ledger.totals())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }

        DreamMachineCallbackController(tasks: tasks, channels: dreamMachines, poller: poller, logger: logger).register(on: router)
        let publicURL = self.publicURL
        let mediaURL: @Sendable (String) -> JSONValue = { .string(publicURL.media($0)) }
        let body = JSONRequestBody(maxBytes: configuration.maxBodyBytes)
        let auth = AuthMiddleware(
            tokens: tokens, rateLimiter: RequestRateLimiter(database: database), defaultRequestsPerMinute: configuration.defaultRequestsPerMinute, now: tokens.now)
        let luma = router.group("luma").add(middleware: auth)
        LumaController(service: taskService, view: LumaTaskView(mediaURL: mediaURL), body: body, publicURL: publicURL).register(on: luma)
        let dreamMachine = router.group("dream-machine/v1").add(middleware: auth)
        DreamMachineController(
            service: taskService, tokens: tokens, view: DreamMachineGenerationView(mediaURL: mediaURL), body: body,
            dreamMachineChannels: Set(dreamMachines.map(\.name))
        ).register(on: dreamMachine)
        let agents = router.group("agents/v1").add(middleware: auth)
        AgentsController(service: taskService, view: AgentsGenerationView(mediaURL: mediaURL), body: body).register(on: agents)
        let files = AgentsFilesController(files: fileLibrary, view: AgentsFileView(), body: body, publicURL: publicURL)
        files.register(on: agents)
        files.registerUploads(on: router)
        OpenAIVideosController(service: taskService, media: videoContent, maxBodyBytes: configuration.maxBodyBytes,
                               defaultModel: configuration.openAIDefaultModel,
                               view: OpenAIVideoView(retentionSeconds: configuration.mediaRetentionDays.map { Int64($0 * 86400) }, models: configuration.models)).register(on: router.group("v1").add(middleware: auth))
        ModelsController(models: configuration.models, pricing: taskService.pricing).register(on: router.group("models").add(middleware: auth))
        let admin = router.group("admin").add(middleware: auth).add(middleware: AdminMiddleware())
        AdminController(
            tokens: tokens, tasks: tasks, channels: ChannelRepository(database: database), ledger: ledger,
            lumaView: LumaTaskView(mediaURL: mediaURL), dreamMachineView: DreamMachineGenerationView(mediaURL: mediaURL),
            mediaURL: mediaURL, body: body, routedChannels: Set(taskService.router.channels.map(\.name)),
            httpClient: httpClient, now: tokens.now
        ).register(on: admin)
        DashboardController().register(on: router)
        routes.load(from: router)

        let configuration = self.configuration
        let openConnections = OpenConnections(limit: configuration.edge.maxConnections)
        var services: [any Service] = [poller, webhooks, channelSync, uploadSweeper]
        if let mediaRetention { services.append(mediaRetention) }
        if database.isShared { services.append(KeptCountsFolder(database: database, interval: .seconds(1), logger: logger)) }
        return Application(
            responder: HeadResponder(base: router.buildResponder()),
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

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    public func run() async throws {
        let app = application()
        logger.notice("store: \(database.description); media: \(configuration.mediaBucket?.location.description ?? configuration.mediaDirectory); engine: \(engineDescription)")
        do {
            try await app.runService()
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    /// Releases the HTTP client and the database.
    public func shutdown() async {
        try? await httpClient.shutdown()
        await database.close()
    }
}
