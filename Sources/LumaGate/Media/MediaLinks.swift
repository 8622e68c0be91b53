import Foundation

/// How clients reach stored media: through the gateway's `/media/` (the default; from a bucket,
/// streamed through), as presigned bucket URLs, or under a public base URL (a CDN in front of the
/// bucket, or a web server in front of the media folder) where a media path is appended as it is.
public enum MediaLinks: Sendable, Equatable {
    case gateway
    /// Each URL stays valid at least `lifetimeSeconds` after it was handed out.
    case presigned(lifetimeSeconds: Int)
    case publicBase(String)

    /// Reads `gateway`, `presigned` or an http(s) base URL.
    public init?(_ text: String, lifetimeSeconds: Int = 3600) {
        switch text {
        case "gateway": self = .gateway
        case "presigned": self = .presigned(lifetimeSeconds: lifetimeSeconds)
        case _ where text.hasPrefix("https://") || text.hasPrefix("http://"):
            guard URL(string: text)?.host != nil else { return nil }
            self = .publicBase(text.hasSuffix("/") ? String(text.dropLast()) : text)
        default: return nil
        }
    }

    /// The longest a presigned URL may live (S3's limit, seven days).
    static let maxPresignedSeconds = 7 * 24 * 3600

    /// When a URL handed out at `now` is signed and how long it is valid: signed at the start of
    /// a window of half the lifetime, so the same file has the same URL for a while (caches and
    /// players keep it) and every URL still lives at least the lifetime.
    static func signing(lifetimeSeconds: Int, now: Date) -> (date: Date, expires: Int) {
        let lifetime = min(max(lifetimeSeconds, 2), maxPresignedSeconds * 2 / 3)
        let window = Double(lifetime / 2)
        let start = (now.timeIntervalSince1970 / window).rounded(.down) * window
        return (Date(timeIntervalSince1970: start), lifetime + Int(window))
    }
}
