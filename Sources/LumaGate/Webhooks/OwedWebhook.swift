/// One POST a task's change owes a client's webhook.
public struct OwedWebhook: Sendable, Equatable {
    public var url: String
    public var payload: String
    public var sharedSecret: String?

    public init(url: String, payload: String, sharedSecret: String? = nil) {
        self.url = url
        self.payload = payload
        self.sharedSecret = sharedSecret
    }
}
