/// One POST owed to a client's webhook: a task's state change, as the task looked then.
public struct WebhookDelivery: Sendable, Equatable {
    public var id: Int64
    public var taskID: String
    public var url: String
    /// The JSON body, with media paths as `StoredView` placeholders.
    public var payload: String
    public var createdAtMillis: Int64
    public var attempts: Int
    /// nil once delivered or given up.
    public var nextAttemptAtMillis: Int64?
    public var deliveredAtMillis: Int64?
    public var lastError: String?
    /// The owning token's secret the POST is signed with.
    public var signingSecret: String?
    /// The client's own secret for its webhook, sent as is in `X-Webhook-Secret` (PiAPI's way).
    public var sharedSecret: String? = nil
    /// For a delivery to a webhook endpoint: the event's id and the endpoint's secrets, which sign
    /// it as Standard Webhooks instead.
    public var eventID: String? = nil
    public var endpointSecrets: [String] = []
}
