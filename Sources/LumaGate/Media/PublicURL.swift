import Foundation
import Synchronization

/// The base of every absolute URL the gateway hands out, and of media URLs as `MediaLinks` says.
/// Set from `--public-url`, or from the address the server actually bound (so `--port 0` works).
public final class PublicURL: Sendable {
    private let value: Mutex<String>
    public let links: MediaLinks
    /// Signs presigned media URLs; set when `links` is `.presigned`.
    let bucket: S3Bucket?

    public init(_ base: String, links: MediaLinks = .gateway, bucket: S3Bucket? = nil) {
        value = Mutex(Self.trimmed(base))
        // Without a bucket there is nothing to presign: such links are the gateway's.
        if case .presigned = links, bucket == nil { self.links = .gateway } else { self.links = links }
        self.bucket = bucket
    }

    public var base: String { value.withLock { $0 } }

    public func set(_ base: String) {
        value.withLock { $0 = Self.trimmed(base) }
    }

    /// The URL clients get for a stored media path; a value that already is a URL passes through.
    public func media(_ pathOrURL: String) -> String {
        if MediaStore.isURL(pathOrURL) { return pathOrURL }
        if let prefix = mediaPrefix { return prefix + pathOrURL }
        // Only presigned links have no common start, and they always come with a bucket.
        guard case .presigned(let lifetime) = links, let bucket else { return gatewayMedia(pathOrURL) }
        let (date, expires) = MediaLinks.signing(lifetimeSeconds: lifetime, now: Date())
        return bucket.presignedURL(pathOrURL, expires: expires, date: date)
    }

    /// What every media URL starts with, when they share a start (not when each is signed).
    public var mediaPrefix: String? {
        switch links {
        case .gateway: gatewayMedia("")
        case .publicBase(let base): base + "/"
        case .presigned: nil
        }
    }

    /// The gateway's own URL of a stored media path, which it always serves and reads back as
    /// its own (an upload named as a frame, say) whatever `links` says.
    public func gatewayMedia(_ path: String) -> String {
        base + "/media/" + path
    }

    private static func trimmed(_ base: String) -> String {
        base.hasSuffix("/") ? String(base.dropLast()) : base
    }
}
