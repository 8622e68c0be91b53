import Foundation

/// Names this gateway process among the several that may share one PostgreSQL store, so an
/// upstream's logs (and the operator reading them) can tell which process made a call.
public enum GatewayInstance {
    public static let name = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"

    static let userAgent = "lumagate (\(name))"
}
