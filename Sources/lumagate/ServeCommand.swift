import ArgumentParser
import Foundation
import LumaGate
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway (SQLite store; Luma's API when LUMA_API_KEY is set, else the sandbox engine).")

    @Option(help: "Address to listen on. Env: LUMAGATE_HOST. Default: 127.0.0.1")
    var host: String?

    @Option(help: "Port to listen on (0 picks a free one). Env: LUMAGATE_PORT. Default: 8080")
    var port: Int?

    @Option(name: .customLong("public-url"), help: "Base of absolute URLs in responses. Env: LUMAGATE_PUBLIC_URL. Default: http://<host>:<port>")
    var publicURL: String?

    @Option(
        name: .customLong("sandbox-queued-seconds"), help: "Seconds a sandbox task stays pending. Env: LUMAGATE_SANDBOX_QUEUED_SECONDS. Default: 1")
    var sandboxQueuedSeconds: Double?

    @Option(
        name: .customLong("sandbox-dreaming-seconds"),
        help: "Seconds a sandbox task stays processing before rendering. Env: LUMAGATE_SANDBOX_DREAMING_SECONDS. Default: 2")
    var sandboxDreamingSeconds: Double?

    @Option(name: .customLong("max-task-age"), help: "Seconds after which an unfinished task is failed. Env: LUMAGATE_MAX_TASK_AGE. Default: 7200")
    var maxTaskAge: Double?

    @Option(
        name: .customLong("upstream-callbacks"),
        help:
            "auto, on or off: ask Luma to post state changes to <public-url>/callbacks/... (auto: when Luma can reach the public URL). Env: LUMAGATE_UPSTREAM_CALLBACKS. Default: auto"
    )
    var upstreamCallbacks: String?

    @Option(name: .customLong("upstream-first-poll"), help: "Seconds from a submit to the first poll of Luma. Default: 35")
    var upstreamFirstPoll: Double?

    @Option(name: .customLong("upstream-min-poll"), help: "Shortest wait between polls (they come every sixteenth of a task's age). Default: 5")
    var upstreamMinPoll: Double?

    @Option(name: .customLong("upstream-max-poll"), help: "Longest wait between polls. Default: 15")
    var upstreamMaxPoll: Double?

    @Option(name: .customLong("upstream-safety-poll"), help: "Wait between polls when Luma posts callbacks. Default: 60")
    var upstreamSafetyPoll: Double?

    @Option(name: .customLong("upstream-timeout"), help: "Seconds to wait for an upstream's answer. Default: 30")
    var upstreamTimeout: Double?

    @Option(name: .customLong("upstream-retry"), help: "Seconds before a task is tried again after an upstream error. Default: 5")
    var upstreamRetry: Double?

    @Option(
        name: .customLong("lease-seconds"),
        help: """
            Seconds a process owns a task it claimed; after that, if it died, another process takes the task over. \
            Longer than the upstream timeout. Env: LUMAGATE_LEASE_SECONDS. Default: 120
            """)
    var leaseSeconds: Double?

    @Option(
        name: .customLong("models"),
        help: "A JSON file of models added to the built-in catalogue, or changing its entries (see docs/models.md). Env: LUMAGATE_MODELS")
    var models: String?

    @Option(
        name: .customLong("comfyui-models"),
        help:
            "A folder of ComfyUI model files, <model>.json each: a workflow in API format and where the request's fields go (see docs/comfyui.md). Env: LUMAGATE_COMFYUI_MODELS"
    )
    var comfyUIModels: String?

    @Option(name: .customLong("prices"), help: "A JSON file of prices laid over the defaults (see docs/tokens-and-money.md). Env: LUMAGATE_PRICES")
    var prices: String?

    @Option(
        name: .customLong("default-requests-per-minute"),
        help: "Requests a minute for tokens without their own limit. Env: LUMAGATE_DEFAULT_REQUESTS_PER_MINUTE. Default: no limit")
    var defaultRequestsPerMinute: Int?

    @Option(
        name: .customLong("default-max-in-flight"),
        help: "Unfinished tasks at once for tokens without their own limit. Env: LUMAGATE_DEFAULT_MAX_IN_FLIGHT. Default: no limit")
    var defaultMaxInFlight: Int?

    @Option(
        name: .customLong("max-image-fetches"),
        help: "Client images fetched at once, for all clients together. Env: LUMAGATE_MAX_IMAGE_FETCHES. Default: 8")
    var maxImageFetches: Int?

    @Option(
        name: [.customLong("outbound-allow-hosts"), .customLong("webhook-allow-hosts")],
        help:
            "Comma-separated hosts the gateway may reach even on loopback, private or link-local addresses: image URLs, webhooks, upstream media. Env: LUMAGATE_OUTBOUND_ALLOW_HOSTS (or LUMAGATE_WEBHOOK_ALLOW_HOSTS)"
    )
    var outboundAllowHosts: String?

    @Option(
        name: .customLong("max-watchers"),
        help: "Event streams and held requests (Prefer: wait) at once; more are a 429. Env: LUMAGATE_MAX_WATCHERS. Default: 10000")
    var maxWatchers: Int?

    @Option(
        name: .customLong("max-watchers-per-token"),
        help: "Of those, how many one token may hold. Env: LUMAGATE_MAX_WATCHERS_PER_TOKEN. Default: 100")
    var maxWatchersPerToken: Int?

    @Option(
        name: .customLong("max-image-fetches-per-token"),
        help: "Of those, how many one token's requests may hold at once. Env: LUMAGATE_MAX_IMAGE_FETCHES_PER_TOKEN. Default: 2")
    var maxImageFetchesPerToken: Int?

    @Option(
        name: .customLong("openai-default-model"),
        help:
            "The model of a /v1/videos request that names none, one of the catalogue's. Env: LUMAGATE_OPENAI_DEFAULT_MODEL. Default: the catalogue's default video model"
    )
    var openAIDefaultModel: String?

    @Option(
        name: .customLong("query-cache-mb"),
        help: "Memory for tokens and task views on the poll path, in MiB (0: none). Env: LUMAGATE_QUERY_CACHE_MB. Default: 64")
    var queryCacheMB: Int?

    @Option(
        name: .customLong("max-uploads-per-token"), help: "Uploaded images one token keeps at once. Env: LUMAGATE_MAX_UPLOADS_PER_TOKEN. Default: 100"
    )
    var maxUploadsPerToken: Int?

    @Option(name: .customLong("upload-lifetime-hours"), help: "Hours an uploaded image is kept. Env: LUMAGATE_UPLOAD_LIFETIME_HOURS. Default: 24")
    var uploadLifetimeHours: Int?

    @Option(
        name: .customLong("media-job-seconds"),
        help: "Longest one ffmpeg run (a render step, an image decode) may take before it is killed. Env: LUMAGATE_MEDIA_JOB_SECONDS. Default: 60")
    var mediaJobSeconds: Int?

    @Option(name: .customLong("metrics-token"), help: "A bearer token /metrics requires. Env: LUMAGATE_METRICS_TOKEN. Default: /metrics is open")
    var metricsToken: String?

    @Option(
        name: .customLong("log-format"), help: "text, or json (one JSON object per line, for log collectors). Env: LUMAGATE_LOG_FORMAT. Default: text"
    )
    var logFormat: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error. Env: LUMAGATE_LOG_LEVEL. Default: info")
    var logLevel: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var media: MediaOptions
    @OptionGroup var edge: EdgeOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = GatewayConfiguration()
        store.apply(to: &configuration, environment: environment)
        try media.apply(to: &configuration, environment: environment)
        try edge.apply(to: &configuration.edge, environment: environment)
        if let value = host ?? environment["LUMAGATE_HOST"] { configuration.host = value }
        if let value = try port ?? Self.number(environment, "LUMAGATE_PORT", as: Int.self) { configuration.port = value }
        if let value = publicURL ?? environment["LUMAGATE_PUBLIC_URL"] { configuration.publicURL = value }
        if let value = try sandboxQueuedSeconds ?? Self.number(environment, "LUMAGATE_SANDBOX_QUEUED_SECONDS", as: Double.self) {
            configuration.sandbox.queuedSeconds = value
        }
        if let value = try sandboxDreamingSeconds ?? Self.number(environment, "LUMAGATE_SANDBOX_DREAMING_SECONDS", as: Double.self) {
            configuration.sandbox.dreamingSeconds = value
        }
        if let value = try maxTaskAge ?? Self.number(environment, "LUMAGATE_MAX_TASK_AGE", as: Double.self) {
            configuration.poller.maxTaskAgeSeconds = value
        }
        if let value = upstreamFirstPoll { configuration.upstreamPolling.firstPollSeconds = value }
        if let value = upstreamMinPoll { configuration.upstreamPolling.minPollSeconds = value }
        if let value = upstreamMaxPoll { configuration.upstreamPolling.maxPollSeconds = value }
        if let value = upstreamSafetyPoll { configuration.upstreamPolling.safetyPollSeconds = value }
        if let value = upstreamTimeout { configuration.upstreamTimeoutSeconds = value }
        if let value = upstreamRetry { configuration.poller.retrySeconds = value }
        if let value = try leaseSeconds ?? Self.number(environment, "LUMAGATE_LEASE_SECONDS", as: Double.self) {
            guard value > configuration.upstreamTimeoutSeconds else {
                throw ValidationError("--lease-seconds must be longer than the upstream timeout (\(configuration.upstreamTimeoutSeconds) s).")
            }
            configuration.poller.leaseSeconds = value
        }
        if let mode = upstreamCallbacks ?? environment["LUMAGATE_UPSTREAM_CALLBACKS"] {
            guard let value = UpstreamCallbackMode(rawValue: mode) else { throw ValidationError("--upstream-callbacks must be auto, on or off.") }
            configuration.upstreamCallbacks = value
        }
        if let path = models ?? environment["LUMAGATE_MODELS"] {
            do {
                configuration.models = try ModelCatalogue.builtIn.adding(fileAt: path)
            } catch {
                throw ValidationError("Could not read models from \(path): \(error)")
            }
        }
        if let directory = comfyUIModels ?? environment["LUMAGATE_COMFYUI_MODELS"] {
            do {
                configuration.comfyUI = try ComfyUIModels.builtIn.adding(directory: directory)
                configuration.models = try configuration.models.adding(configuration.comfyUI.specs)
            } catch {
                throw ValidationError("Could not read ComfyUI models from \(directory): \(error)")
            }
        }
        if let path = prices ?? environment["LUMAGATE_PRICES"] {
            do {
                configuration.pricing = try Pricing.load(overridesAt: path)
            } catch {
                throw ValidationError("Could not read prices from \(path): \(error)")
            }
        }
        if let value = try defaultRequestsPerMinute ?? Self.number(environment, "LUMAGATE_DEFAULT_REQUESTS_PER_MINUTE", as: Int.self) {
            configuration.defaultRequestsPerMinute = value
        }
        if let value = try defaultMaxInFlight ?? Self.number(environment, "LUMAGATE_DEFAULT_MAX_IN_FLIGHT", as: Int.self) {
            configuration.defaultMaxInFlight = value
        }
        if let value = try maxImageFetches ?? Self.number(environment, "LUMAGATE_MAX_IMAGE_FETCHES", as: Int.self) {
            guard value > 0 else { throw ValidationError("--max-image-fetches must be at least 1.") }
            configuration.maxConcurrentImageFetches = value
        }
        if let value = try maxWatchers ?? Self.number(environment, "LUMAGATE_MAX_WATCHERS", as: Int.self) {
            guard value > 0 else { throw ValidationError("--max-watchers must be at least 1.") }
            configuration.maxWatchers = value
        }
        if let value = try maxWatchersPerToken ?? Self.number(environment, "LUMAGATE_MAX_WATCHERS_PER_TOKEN", as: Int.self) {
            guard value > 0 else { throw ValidationError("--max-watchers-per-token must be at least 1.") }
            configuration.maxWatchersPerToken = value
        }
        if let value = try maxImageFetchesPerToken ?? Self.number(environment, "LUMAGATE_MAX_IMAGE_FETCHES_PER_TOKEN", as: Int.self) {
            guard value > 0 else { throw ValidationError("--max-image-fetches-per-token must be at least 1.") }
            configuration.maxImageFetchesPerToken = value
        }
        if let model = openAIDefaultModel ?? environment["LUMAGATE_OPENAI_DEFAULT_MODEL"] {
            let names = configuration.models.names(on: .openAI, kind: .video)
            guard names.contains(model) else { throw ValidationError("--openai-default-model must be one of \(names.joined(separator: ", ")).") }
            configuration.openAIDefaultModel = model
        }
        if let value = try queryCacheMB ?? Self.number(environment, "LUMAGATE_QUERY_CACHE_MB", as: Int.self) {
            guard value >= 0 else { throw ValidationError("--query-cache-mb must be 0 or more.") }
            configuration.queryCacheBytes = value * 1024 * 1024
        }
        if let value = try maxUploadsPerToken ?? Self.number(environment, "LUMAGATE_MAX_UPLOADS_PER_TOKEN", as: Int.self) {
            configuration.uploads.maxPerToken = value
        }
        if let value = try uploadLifetimeHours ?? Self.number(environment, "LUMAGATE_UPLOAD_LIFETIME_HOURS", as: Int.self) {
            guard value > 0 else { throw ValidationError("--upload-lifetime-hours must be at least 1.") }
            configuration.uploads.lifetimeSeconds = value * 3600
        }
        if let value = try mediaJobSeconds ?? Self.number(environment, "LUMAGATE_MEDIA_JOB_SECONDS", as: Int.self) {
            guard value > 0 else { throw ValidationError("--media-job-seconds must be at least 1.") }
            configuration.mediaJobSeconds = value
        }
        if let hosts = outboundAllowHosts ?? environment["LUMAGATE_OUTBOUND_ALLOW_HOSTS"] ?? environment["LUMAGATE_WEBHOOK_ALLOW_HOSTS"] {
            configuration.outboundAllowHosts = hosts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty }
        }
        if let token = metricsToken ?? environment["LUMAGATE_METRICS_TOKEN"], !token.isEmpty {
            configuration.metricsToken = token
        }
        if let key = environment["LUMA_API_KEY"], !key.isEmpty {
            configuration.dreamMachine = environment["LUMA_BASE_URL"].map { .init(apiKey: key, baseURL: $0) } ?? .init(apiKey: key)
        }
        configuration.keepDreamMachineOutputs = ["1", "true", "yes"].contains(environment["LUMA_KEEP_OUTPUTS"]?.lowercased() ?? "")
        if let key = environment["LUMA_AGENTS_API_KEY"], !key.isEmpty {
            configuration.lumaAgents = environment["LUMA_AGENTS_BASE_URL"].map { .init(apiKey: key, baseURL: $0) } ?? .init(apiKey: key)
        }
        if let name = logLevel ?? environment["LUMAGATE_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: name) else { throw ValidationError("Unknown log level \(name).") }
            configuration.logLevel = level
        }
        switch logFormat ?? environment["LUMAGATE_LOG_FORMAT"] ?? "text" {
        case "text": LoggingSystem.bootstrap { LineLogHandler(label: $0, format: .text) }
        case "json": LoggingSystem.bootstrap { LineLogHandler(label: $0, format: .json) }
        case let other: throw ValidationError("--log-format must be text or json, not \(other).")
        }
        var logger = Logger(label: "lumagate")
        logger.logLevel = configuration.logLevel
        let gateway = try await Gateway.open(configuration, logger: logger)
        try await gateway.run()
    }

    /// A number from the environment variable `name`, if set; a validation error if it is not one.
    static func number<T: LosslessStringConvertible>(_ environment: [String: String], _ name: String, as: T.Type) throws -> T? {
        guard let text = environment[name] else { return nil }
        guard let value = T(text) else { throw ValidationError("\(name)=\(text) is not a valid number.") }
        return value
    }
}
