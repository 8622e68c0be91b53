import Foundation
import Logging

/// Everything `lumagate serve` can be told, with the defaults a first run needs.
public struct GatewayConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Holds the SQLite file (by default) and the media the gateway stores and renders (with a
    /// bucket, only its scratch files). With PostgreSQL and no bucket, every process must see the
    /// same media folder (shared storage).
    public var dataDirectory = "./data"
    /// Where media is kept: nil for `<dataDirectory>/media`, or an S3-compatible bucket with the
    /// credentials to sign for it (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
    public var mediaBucket: (location: S3Bucket.Location, credentials: S3Signer.Credentials)?
    /// How clients reach stored media.
    public var mediaLinks = MediaLinks.gateway
    /// Days a finished task's media is kept (nil: for ever); see `MediaRetention`.
    public var mediaRetentionDays: Double?
    /// A SQLite file's path or a `postgres://` URL; nil means `<dataDirectory>/lumagate.sqlite`.
    public var database: String?
    /// Base for absolute URLs in responses; nil means `http://<host>:<port>` as bound.
    public var publicURL: String?
    public var sandbox = SandboxSchedule()
    /// Luma's official API from the environment (`LUMA_API_KEY`), beside the channels stored with
    /// `lumagate channel`; with any, new tasks go upstream instead of to the sandbox.
    public var dreamMachine: DreamMachineChannel.Settings?
    public var upstreamPolling = DreamMachineChannel.Polling()
    /// Luma's Agents API from the environment (`LUMA_AGENTS_API_KEY`), like `dreamMachine`.
    public var lumaAgents: LumaAgentsChannel.Settings?
    /// When Agents API channels look at their generations (ray-3.2's times, not ray-2's).
    public var agentsPolling = LumaAgentsChannel.defaultPolling
    /// The workflows of the models ComfyUI channels make (their catalogue entries are in `models`).
    public var comfyUI = ComfyUIModels.builtIn
    /// How often a ComfyUI channel asks about a task its socket has not reported on.
    public var comfyUIPolling = ComfyUIChannel.defaultPolling
    /// How finished upstream videos are copied into the media store.
    public var outputKeeping = OutputKeeper.Settings()
    /// The `LUMA_API_KEY` channel keeps its outputs too (`LUMA_KEEP_OUTPUTS=true`).
    public var keepDreamMachineOutputs = false
    /// How long the gateway waits for any upstream's answer.
    public var upstreamTimeoutSeconds: Double = 30
    /// Whether Luma is asked to post state changes back; `auto` means when it can reach `publicURL`.
    public var upstreamCallbacks = UpstreamCallbackMode.auto
    public var poller = Poller.Settings()
    /// How soon every process follows a channel enabled, disabled or re-routed in the store:
    /// within the second other changes take (a read of the few channel rows, whatever the tasks).
    public var channelSyncInterval: Duration = .milliseconds(500)
    public var webhooks = WebhookDispatcher.Settings()
    /// Runs the poller and the webhook dispatcher in the background; tests that step time by hand
    /// turn them off.
    public var runsPoller = true
    public var maxBodyBytes = 32 * 1024 * 1024
    /// Deadlines for each part of a request and the cap on open connections.
    public var edge = EdgeLimits()
    public var maxImageBytes = 10 * 1024 * 1024
    /// A video source for an edit or a reframe (and a video file): fetched, sent or uploaded.
    public var maxVideoBytes = 100 * 1024 * 1024
    public var maxConcurrentImageFetches = 8
    public var maxImageFetchesPerToken = 2
    /// Event streams and held requests (`Prefer: wait`) at once, for the process and for one token.
    public var maxWatchers = 10_000
    public var maxWatchersPerToken = 100
    /// The models the gateway makes: the built-in catalogue, with an operator's `--models` file added.
    public var models = ModelCatalogue.builtIn
    /// The model of an OpenAI-shaped request (`/v1/videos`) that names none; nil is the catalogue's default.
    public var openAIDefaultModel: String?
    /// One deadline for an image fetch: connecting, headers and the whole body.
    public var imageFetchTimeout: Duration = .seconds(15)
    public var uploads = UploadLimits()
    /// The longest one ffmpeg run may take; keep it well under `poller.leaseSeconds`.
    public var mediaJobSeconds = 60
    /// Limits for tokens that set none of their own; nil is no limit.
    public var defaultRequestsPerMinute: Int?
    public var defaultMaxInFlight: Int?
    /// Prices laid over the catalogue's (`--prices`); a model priced nowhere here costs the catalogue's price.
    public var pricing = Pricing.defaults
    /// Hosts the gateway may reach even on loopback, private, link-local or metadata addresses:
    /// image URLs, webhook destinations, and the media URLs upstreams answer with.
    public var outboundAllowHosts: [String] = []
    /// When set, `/metrics` needs `Authorization: Bearer <it>`; otherwise it is open.
    public var metricsToken: String?
    /// Memory for tokens and task views on the poll path (0: none); see `QueryCache`.
    public var queryCacheBytes = 64 * 1024 * 1024
    public var logLevel: Logger.Level = .info

    public init() {}

    public var databaseLocation: DatabaseLocation {
        DatabaseLocation(database ?? dataFolder + "/lumagate.sqlite")
    }

    public var mediaDirectory: String {
        dataFolder + "/media"
    }

    /// `dataDirectory` from the root: ffmpeg and the stills reader run in folders of their own,
    /// where a relative path (the default `./data`) names nothing.
    private var dataFolder: String {
        dataDirectory.hasPrefix("/") ? dataDirectory : FileManager.default.currentDirectoryPath + "/" + dataDirectory
    }
}
