import Foundation
import NIOCore

/// A task's response rendered once, when the task changes, and kept in the store beside it, so
/// reading a task is one indexed read and a copy: no decoding, no rendering. Media paths are kept as
/// placeholders (a 0x01 byte, which the JSON writer never emits raw) and resolved against the
/// public URL as the bytes go out, so a changed `--public-url` never leaves stale links.
public enum StoredView {
    static let marker: UInt8 = 0x01

    /// What a stored view holds for a media path; absolute URLs stay as they are.
    static func placeholder(_ pathOrURL: String) -> JSONValue {
        pathOrURL.hasPrefix("http://") || pathOrURL.hasPrefix("https://") ? .string(pathOrURL) : .storedMediaPath(pathOrURL)
    }

    /// Renders `task` in the relay format for storage.
    public static func luma(_ task: VideoTask) -> String {
        LumaTaskView(mediaURL: placeholder).render(task).serialized()
    }

    /// Renders `task` as the official Generation object, for a webhook's stored payload.
    public static func dreamMachine(_ task: VideoTask) -> String {
        DreamMachineGenerationView(mediaURL: placeholder).render(task).serialized()
    }

    /// Writes stored views into one buffer, as a JSON array when `asArray`, with placeholders
    /// replaced by the media URLs' common start (`<public-url>/media/`), or each path by its own
    /// URL when each is signed.
    static func resolve(_ views: [String], asArray: Bool, publicURL: PublicURL) -> ByteBuffer {
        guard let prefix = publicURL.mediaPrefix.map({ Array($0.utf8) }) else { return resolveEach(views, asArray: asArray, publicURL: publicURL) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(views.reduce(2) { $0 + $1.utf8.count + 64 })
        if asArray { buffer.writeInteger(UInt8(ascii: "[")) }
        for (index, view) in views.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            var view = view
            view.withUTF8 { bytes in
                // memchr: a byte-by-byte loop here was a fifth of a batch query's time.
                guard let base = bytes.baseAddress else { return }
                var start = 0
                while start < bytes.count, let found = memchr(base + start, Int32(marker), bytes.count - start) {
                    let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    buffer.writeBytes(prefix)
                    start = index + 1
                }
                buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start...]))
            }
        }
        if asArray { buffer.writeInteger(UInt8(ascii: "]")) }
        return buffer
    }

    /// `resolve` for links made one by one: each placeholder runs to the string's closing quote
    /// (media paths hold no quote or escape).
    private static func resolveEach(_ views: [String], asArray: Bool, publicURL: PublicURL) -> ByteBuffer {
        var output = asArray ? "[" : ""
        for (index, view) in views.enumerated() {
            if index > 0 { output += "," }
            var rest = Substring(view)
            while let marker = rest.firstIndex(of: Character(Unicode.Scalar(Self.marker))) {
                output += rest[..<marker]
                let path = rest[rest.index(after: marker)...].prefix { $0 != "\"" }
                output += publicURL.media(String(path))
                rest = rest[path.endIndex...]
            }
            output += rest
        }
        if asArray { output += "]" }
        return ByteBuffer(string: output)
    }
}
