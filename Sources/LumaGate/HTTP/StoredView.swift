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
    /// replaced by `<public-url>/media/`.
    static func resolve(_ views: [String], asArray: Bool, publicURL: PublicURL) -> ByteBuffer {
        let prefix = Array((publicURL.base + "/media/").utf8)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(views.reduce(2) { $0 + $1.utf8.count + 64 })
        if asArray { buffer.writeInteger(UInt8(ascii: "[")) }
        for (index, view) in views.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            var view = view
            view.withUTF8 { bytes in
                var start = 0
                for index in bytes.indices where bytes[index] == marker {
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
}
