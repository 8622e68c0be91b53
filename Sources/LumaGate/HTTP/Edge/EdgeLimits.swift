/// How long a connection may take over each part of a request, and how many may be open: the
/// deadlines that make a slow or silent client (slowloris) cost itself more than the gateway.
public struct EdgeLimits: Sendable {
    /// From a request's first byte to its last header line.
    public var headerTimeout: Duration = .seconds(10)
    /// A connection with no request under way is closed after this; longer than the 60 s most
    /// reverse proxies and load balancers keep an idle upstream connection, so the gateway is
    /// never the one that closes a connection a proxy is about to reuse.
    public var idleTimeout: Duration = .seconds(75)
    /// A request body must bring `minBodyBytesPerWindow` (or its end) in every window this long.
    public var bodyTimeout: Duration = .seconds(10)
    public var minBodyBytesPerWindow = 8 * 1024
    /// While the gateway answers, a client that reads nothing this long while the connection's
    /// send buffer is full is cut off: a stalled event stream or download would otherwise hold its
    /// slot for ever. A stream's client resumes with `Last-Event-ID`.
    public var stalledReaderTimeout: Duration = .seconds(15)
    /// Connections past this many are closed as they are accepted.
    public var maxConnections = 4096
    /// From SIGTERM until what still runs is cancelled: answers under way may finish in it (held
    /// requests and streams end at once). Shorter than the 30 s Kubernetes waits before SIGKILL.
    public var shutdownGrace: Duration = .seconds(10)

    public init() {}
}
