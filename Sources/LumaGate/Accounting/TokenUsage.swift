/// What a token has spent and run, for `lumagate token show`.
public struct TokenUsage: Sendable, Equatable {
    public var token: APIToken
    /// Sums over the ledger.
    public var charged: Int64
    public var refunded: Int64
    /// Task counts by state (deleted tasks included: they were paid for).
    public var tasks: [TaskState: Int]
}
