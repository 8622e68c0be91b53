import ArgumentParser
import LumaGate

/// The deadlines and the connection cap at the HTTP edge (see docs/security.md); for `serve`.
struct EdgeOptions: ParsableArguments {
    @Option(
        name: .customLong("header-timeout"),
        help: "Seconds from a request's first byte to its complete head. Env: LUMAGATE_HEADER_TIMEOUT. Default: 10")
    var headerTimeout: Double?

    @Option(
        name: .customLong("idle-timeout"), help: "Seconds a connection with no request under way stays open. Env: LUMAGATE_IDLE_TIMEOUT. Default: 75")
    var idleTimeout: Double?

    @Option(
        name: .customLong("body-timeout"),
        help: "A request body must bring 8 KiB (or its end) in every this many seconds. Env: LUMAGATE_BODY_TIMEOUT. Default: 10")
    var bodyTimeout: Double?

    @Option(
        name: .customLong("stalled-reader-timeout"),
        help: """
            Seconds a client may read nothing of an answer while its send buffer is full; then it is cut off. \
            Env: LUMAGATE_STALLED_READER_TIMEOUT. Default: 15
            """)
    var stalledReaderTimeout: Double?

    @Option(
        name: .customLong("shutdown-grace"),
        help: "Seconds answers under way may take to finish after SIGTERM. Env: LUMAGATE_SHUTDOWN_GRACE. Default: 10")
    var shutdownGrace: Double?

    @Option(
        name: .customLong("max-connections"),
        help: "Open client connections at once; more are closed as they come. Env: LUMAGATE_MAX_CONNECTIONS. Default: 4096")
    var maxConnections: Int?

    func apply(to limits: inout EdgeLimits, environment: [String: String]) throws {
        for (flag, value, variable, keyPath) in [
            ("--header-timeout", headerTimeout, "LUMAGATE_HEADER_TIMEOUT", \EdgeLimits.headerTimeout),
            ("--idle-timeout", idleTimeout, "LUMAGATE_IDLE_TIMEOUT", \EdgeLimits.idleTimeout),
            ("--body-timeout", bodyTimeout, "LUMAGATE_BODY_TIMEOUT", \EdgeLimits.bodyTimeout),
            ("--stalled-reader-timeout", stalledReaderTimeout, "LUMAGATE_STALLED_READER_TIMEOUT", \EdgeLimits.stalledReaderTimeout),
            ("--shutdown-grace", shutdownGrace, "LUMAGATE_SHUTDOWN_GRACE", \EdgeLimits.shutdownGrace),
        ] {
            guard let seconds = try value ?? ServeCommand.number(environment, variable, as: Double.self) else { continue }
            guard seconds > 0 else { throw ValidationError("\(flag) must be a number of seconds above 0.") }
            limits[keyPath: keyPath] = .milliseconds(Int64(seconds * 1000))
        }
        if let value = try maxConnections ?? ServeCommand.number(environment, "LUMAGATE_MAX_CONNECTIONS", as: Int.self) {
            guard value >= 1 else { throw ValidationError("--max-connections must be a whole number above 0.") }
            limits.maxConnections = value
        }
    }
}
