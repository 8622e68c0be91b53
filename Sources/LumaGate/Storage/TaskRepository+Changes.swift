extension TaskRepository {
    /// The changes a transition writes along with the new state.
    public struct Changes: Sendable {
        public var media: TaskMedia?
        public var failureReason: String?
        public var upstreamID: String?
        /// When the task is next due for a poll; nil for terminal states.
        public var nextPollAtMillis: Int64?
        /// Why a move to failed happens, which decides its refund (`RefundPolicy`).
        public var failure: RefundPolicy.Cause

        public init(
            media: TaskMedia? = nil, failureReason: String? = nil, upstreamID: String? = nil, nextPollAtMillis: Int64? = nil,
            failure: RefundPolicy.Cause = .notMade
        ) {
            self.media = media
            self.failureReason = failureReason
            self.upstreamID = upstreamID
            self.nextPollAtMillis = nextPollAtMillis
            self.failure = failure
        }
    }
}
