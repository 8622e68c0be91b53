/// One kind of upstream channel: how an operator's channel of this kind is described, checked and
/// built. Each kind lives in its own folder under `Upstream/` and is listed once in `ChannelKinds`;
/// the gateway, `lumagate channel add` and the admin API know kinds only through it.
protocol ChannelKind: Sendable {
    /// The name operators type (`lumagate channel add <name>`) and the store keeps.
    var name: ChannelRecord.Kind { get }
    /// What it is, in one line, for `channel add`'s help and the admin API.
    var summary: String { get }
    /// Where the upstream is when the operator names no base URL; nil when one is required.
    var defaultBaseURL: String? { get }
    /// Whether `--keep-outputs` is an option (a kind keeps its outputs always, never, or by choice).
    var keepsOutputsByChoice: Bool { get }

    /// The channel an operator configured through the environment (`LUMAGATE_...`), if this kind has one.
    func environmentRecord(in configuration: GatewayConfiguration) -> ChannelRecord?

    /// Whether a channel of this kind needs an API key.
    var needsKey: Bool { get }

    /// The cheapest call that proves the key works; says what it found, or throws what went wrong.
    func check(_ http: UpstreamHTTP) async throws -> String

    /// The same, knowing the ComfyUI workflows the gateway runs and the models the channel serves.
    func check(_ http: UpstreamHTTP, comfyUI: ComfyUIModels, serving: [String]) async throws -> String

    /// The channel for `record`, built from what the gateway gives every channel.
    func channel(for record: ChannelRecord, parts: ChannelParts) -> any UpstreamChannel
}

extension ChannelKind {
    var keepsOutputsByChoice: Bool { false }

    var needsKey: Bool { true }

    func check(_ http: UpstreamHTTP, comfyUI: ComfyUIModels, serving: [String]) async throws -> String { try await check(http) }

    func environmentRecord(in configuration: GatewayConfiguration) -> ChannelRecord? { nil }
}
