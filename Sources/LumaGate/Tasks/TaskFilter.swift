/// Which tasks an operator asks to see; nil fields do not filter. Deleted tasks are never shown.
public struct TaskFilter: Sendable, Equatable {
    public var state: TaskState?
    public var tokenID: String?
    public var channel: String?
    /// Created at or after, in milliseconds since 1970.
    public var createdSince: Int64?
    /// Created before, in milliseconds since 1970.
    public var createdUntil: Int64?
    public var limit = 50
    public var offset = 0

    public init(
        state: TaskState? = nil, tokenID: String? = nil, channel: String? = nil, createdSince: Int64? = nil,
        createdUntil: Int64? = nil, limit: Int = 50, offset: Int = 0
    ) {
        self.state = state
        self.tokenID = tokenID
        self.channel = channel
        self.createdSince = createdSince
        self.createdUntil = createdUntil
        self.limit = limit
        self.offset = offset
    }
}
