import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The composition root: configuration → database → migrations → services → router.
/// Everything the gateway uses is built here and passed in; nothing is global.
public final class Gateway: Sendable {
    public typealias App = Application<WaitingRequestResponder<HeadResponder<RouterResponder<GatewayRequestContext>>>>

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
    /// Where the gateway keeps media (every service that writes or reads it has the same one).
    let mediaStore: MediaStore
    /// Where the gateway may connect, for media it reads from outside.
    let outbound: OutboundClient
    let ffmpeg: FFmpeg?
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
        mediaStore: MediaStore, outbound: OutboundClient, ffmpeg: FFmpeg?, fileLibrary: FileLibrary, metrics: GatewayMetrics,
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
        self.mediaStore = mediaStore
        self.outbound = outbound
        self.ffmpeg = ffmpeg
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
            throw CatalogueError(
                "the default model of /v1/videos must be one of \(configuration.models.names(on: .openAI, kind: .video).joined(separator: ", ")), not \(model)"
            )
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
        let publicURL = PublicURL(
            configuration.publicURL ?? "http://\(configuration.host):\(configuration.port)",
            links: configuration.mediaLinks, bucket: bucket)

        var ffmpeg = FFmpeg.locate()
        ffmpeg?.timeLimit = .seconds(configuration.mediaJobSeconds)
        let sandbox = SandboxChannel(
            schedule: configuration.sandbox, renderer: ffmpeg.map { SandboxRenderer(ffmpeg: $0, store: store) },
            store: store, models: configuration.models, sharesMedia: database.isShared, now: now, logger: logger)
        let channelRepository = ChannelRepository(database: database)
        let parts = ChannelParts(
            configuration: configuration, httpClient: httpClient, publicURL: publicURL, store: store,
            inspector: RemoteMediaInspector(outbound: outbound, ffmpeg: ffmpeg, store: store),
            keeper: OutputKeeper(
                outbound: outbound, stills: VideoStills(ffmpeg: ffmpeg, store: store), store: store, settings: configuration.outputKeeping),
            now: now)
        let (channels, router, storedChannels, engineDescription) = try await Self.channels(
            configuration: configuration, repository: channelRepository, sandbox: sandbox, parts: parts, ffmpeg: ffmpeg, logger: logger)

        let metrics = GatewayMetrics()
        let poller = Poller(
            tasks: tasks, channels: channels, router: router, metrics: metrics, settings: configuration.poller, store: store,
            now: now, logger: logger)
        let videos = VideoIntake(outbound: outbound, ffmpeg: ffmpeg, store: store, maxBytes: configuration.maxVideoBytes)
        let taskService = TaskService(
            tasks: tasks, uploads: UploadRepository(database: database),
            images: ImageIntake(
                outbound: outbound, normalizer: ImageNormalizer(ffmpeg: ffmpeg), store: store, publicURL: publicURL,
                maxBytes: configuration.maxImageBytes, maxConcurrentFetches: configuration.maxConcurrentImageFetches,
                maxFetchesPerToken: configuration.maxImageFetchesPerToken, timeout: configuration.imageFetchTimeout),
            videos: videos, store: store, router: router, channels: channels, outboundPolicy: outbound.policy, models: configuration.models,
            pricing: configuration.pricing,
            defaultMaxInFlight: configuration.defaultMaxInFlight, uploadLimits: configuration.uploads, now: now, newID: newID,
            onSubmit: { [poller] in poller.wakeUp() })
        return Gateway(
            configuration: configuration, database: database, tasks: tasks,
            tokens: TokenService(repository: TokenRepository(database: database), now: now),
            taskService: taskService, poller: poller,
            webhooks: WebhookDispatcher(
                deliveries: webhookDeliveries, outbound: outbound, publicURL: publicURL, metrics: metrics,
                settings: configuration.webhooks,
                now: now, logger: logger),
            channelSync: ChannelSync(
                channels: channelRepository, router: router, storedAtStart: storedChannels,
                interval: configuration.channelSyncInterval, logger: logger),
            uploadSweeper: UploadSweeper(
                uploads: UploadRepository(database: database), store: store, limits: configuration.uploads,
                now: now, logger: logger),
            mediaRetention: configuration.mediaRetentionDays.map {
                MediaRetention(tasks: tasks, store: store, retentionDays: $0, now: now, logger: logger)
            },
            mediaStore: store, outbound: outbound, ffmpeg: ffmpeg,
            fileLibrary: FileLibrary(
                uploads: UploadRepository(database: database), normalizer: ImageNormalizer(ffmpeg: ffmpeg), videos: videos, store: store,
                limits: configuration.uploads, maxImageBytes: configuration.maxImageBytes, now: now, newID: newID),
            metrics: metrics, publicURL: publicURL, engineDescription: engineDescription,
            httpClient: httpClient, logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    public func run() async throws {
        let services = services(running: application(), signals: [.sigterm, .sigint])
        logger.notice(
            "store: \(database.description); media: \(configuration.mediaBucket?.location.description ?? configuration.mediaDirectory); engine: \(engineDescription)"
        )
        do {
            try await services.run()
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    /// `app` as a service group: a graceful shutdown (on one of `signals`, or triggered) takes no
    /// new connection and lets answers under way finish, ending held requests and streams at once
    /// and cutting off webhook posts in flight; what still runs after the edge's `shutdownGrace` is
    /// cancelled, which leaves nothing worse than a crash would (every step is in the store).
    public func services(running app: some Service, signals: [UnixSignal]) -> ServiceGroup {
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: signals, logger: logger)
        group.maximumGracefulShutdownDuration = configuration.edge.shutdownGrace
        return ServiceGroup(configuration: group)
    }

    /// Releases the HTTP client and the database.
    public func shutdown() async {
        try? await httpClient.shutdown()
        await database.close()
    }
}
