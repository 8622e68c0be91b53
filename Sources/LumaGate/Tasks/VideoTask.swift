import Foundation

/// A video generation task as the gateway stores it.
public struct VideoTask: Sendable, Equatable {
    public var id: String
    public var tokenID: String
    public var state: TaskState
    public var channel: String
    /// The upstream's id for this task: private, never shown to clients.
    public var upstreamID: String?
    public var parentID: String?
    public var request: GenerationRequest
    public var media: TaskMedia?
    public var failureReason: String?
    public var createdAtMillis: Int64
    public var updatedAtMillis: Int64
    public var nextPollAtMillis: Int64?
    /// Authenticates the upstream's callbacks for this task: private, never shown to clients.
    public var callbackSecret: String?
    /// Credits charged for the task when it was stored (refunded if it fails).
    public var price: Int64
    /// How far the upstream says it is, from 0 to 1, when it says (a ComfyUI sampler's steps).
    public var progress: Double?

    public init(
        id: String, tokenID: String, state: TaskState, channel: String, upstreamID: String? = nil,
        parentID: String? = nil, request: GenerationRequest, media: TaskMedia? = nil,
        failureReason: String? = nil, createdAtMillis: Int64, updatedAtMillis: Int64, nextPollAtMillis: Int64?,
        callbackSecret: String? = nil, price: Int64 = 0, progress: Double? = nil
    ) {
        self.id = id
        self.tokenID = tokenID
        self.state = state
        self.channel = channel
        self.upstreamID = upstreamID
        self.parentID = parentID
        self.request = request
        self.media = media
        self.failureReason = failureReason
        self.createdAtMillis = createdAtMillis
        self.updatedAtMillis = updatedAtMillis
        self.nextPollAtMillis = nextPollAtMillis
        self.progress = progress
        self.callbackSecret = callbackSecret
        self.price = price
    }
}
