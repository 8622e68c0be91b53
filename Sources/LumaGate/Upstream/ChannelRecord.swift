/// An upstream account as the operator configured it, with how tasks are routed to it.
public struct ChannelRecord: Sendable, Equatable {
    /// A kind's name; `ChannelKinds` says what each is (each kind's folder names its own).
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public let rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        /// How channels of this kind are built and checked; nil for a kind this gateway does not know.
        var definition: (any ChannelKind)? { ChannelKinds.named(rawValue) }
    }

    public var name: String
    public var kind: Kind
    /// Needed in the clear to call the upstream; shown only masked.
    public var apiKey: String
    public var baseURL: String
    public var enabled: Bool
    public var createdAtMillis: Int64
    /// New tasks go to the highest priority with room, spread by weight among equals.
    public var priority: Int
    public var weight: Int
    /// Official model names it serves; empty serves all.
    public var models: [String]
    /// Its tasks at the upstream at once; nil is no cap.
    public var maxInFlight: Int?
    /// Why the gateway disabled it (repeated 401/403), shown by `channel list`.
    public var disabledReason: String?
    /// A dream-machine channel's finished outputs are copied into the media store (an Agents
    /// channel's always are: its links expire).
    public var keepOutputs: Bool

    public init(
        name: String, kind: Kind, apiKey: String, baseURL: String, enabled: Bool = true, createdAtMillis: Int64,
        priority: Int = 0, weight: Int = 1, models: [String] = [], maxInFlight: Int? = nil, disabledReason: String? = nil,
        keepOutputs: Bool = false
    ) {
        self.name = name
        self.kind = kind
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.enabled = enabled
        self.createdAtMillis = createdAtMillis
        self.priority = priority
        self.weight = weight
        self.models = models
        self.maxInFlight = maxInFlight
        self.disabledReason = disabledReason
        self.keepOutputs = keepOutputs
    }

    /// How the router treats it.
    public var route: ChannelRoute {
        ChannelRoute(priority: priority, weight: weight, models: models, maxInFlight: maxInFlight)
    }

    /// The key as `channel list` shows it: enough to tell keys apart, not to use one.
    public var maskedKey: String {
        apiKey.count <= 8 ? String(repeating: "•", count: apiKey.count) : "\(apiKey.prefix(4))…\(apiKey.suffix(4))"
    }
}
