import Synchronization

/// The base of every absolute URL the gateway hands out. Set from `--public-url`, or from the
/// address the server actually bound (so `--port 0` works).
public final class PublicURL: Sendable {
    private let value: Mutex<String>

    public init(_ base: String) {
        value = Mutex(Self.trimmed(base))
    }

    public var base: String { value.withLock { $0 } }

    public func set(_ base: String) {
        value.withLock { $0 = Self.trimmed(base) }
    }

    /// An absolute URL for a stored media path; a value that already is a URL passes through.
    public func media(_ pathOrURL: String) -> String {
        if pathOrURL.hasPrefix("http://") || pathOrURL.hasPrefix("https://") { return pathOrURL }
        return base + "/media/" + pathOrURL
    }

    private static func trimmed(_ base: String) -> String {
        base.hasSuffix("/") ? String(base.dropLast()) : base
    }
}
