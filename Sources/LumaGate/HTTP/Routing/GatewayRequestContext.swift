import Hummingbird

/// Per-request state: who is calling, once the auth middleware has said so.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var token: APIToken?
    /// Whether the request is a HEAD that `HeadResponder` answers as a GET: a route that would
    /// fetch a body only to drop it (media from the bucket) asks for the headers alone.
    public var isHead = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.token = nil
    }

    /// The token the auth middleware accepted; routes behind it can rely on one.
    public func requireToken() throws -> APIToken {
        guard let token else { throw GatewayError.unauthorized("Send Authorization: Bearer <token>.") }
        return token
    }
}
