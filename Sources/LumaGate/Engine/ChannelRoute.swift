/// How new tasks are routed to one channel.
public struct ChannelRoute: Sendable, Equatable {
    /// Higher goes first.
    public var priority: Int
    /// Share of the tasks among channels of equal priority.
    public var weight: Int
    /// Official model names served; empty serves all.
    public var models: [String]
    /// Tasks at the upstream at once; nil is no cap.
    public var maxInFlight: Int?

    public init(priority: Int = 0, weight: Int = 1, models: [String] = [], maxInFlight: Int? = nil) {
        self.priority = priority
        self.weight = max(weight, 1)
        self.models = models
        self.maxInFlight = maxInFlight
    }

    func serves(_ request: GenerationRequest) -> Bool {
        guard !models.isEmpty, let model = request.officialModel else { return true }
        return models.contains(model)
    }
}
