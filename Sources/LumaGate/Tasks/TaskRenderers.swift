/// How a task is written out when it changes, handed to the repository so that storage names no
/// API face: the view stored with each version (the poll path answers with it) and the payloads of
/// its clients' webhooks, which go into the outbox in the same transaction.
public struct TaskRenderers: Sendable {
    /// The view stored with each task version (see `StoredView`).
    public var storedView: @Sendable (VideoTask) -> String
    /// The webhooks a change of the task sends, each URL with its payload (and the client's secret
    /// to send back with it, if it gave one); the second argument is the stored view just rendered.
    public var webhooks: @Sendable (VideoTask, String) -> [OwedWebhook]
    /// The event a change of the task offers its token's webhook endpoints (its id, type and JSON
    /// body), if any.
    public var endpointEvent: @Sendable (VideoTask) -> (id: String, type: String, payload: String)?

    public init(
        storedView: @escaping @Sendable (VideoTask) -> String,
        webhooks: @escaping @Sendable (VideoTask, String) -> [OwedWebhook],
        endpointEvent: @escaping @Sendable (VideoTask) -> (id: String, type: String, payload: String)? = { _ in nil }
    ) {
        self.storedView = storedView
        self.webhooks = webhooks
        self.endpointEvent = endpointEvent
    }
}
