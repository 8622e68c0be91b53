import Foundation

/// Media the gateway keeps in `<data-dir>/media`: uploaded images under `uploads/`, rendered
/// videos and frames under `tasks/<id>/`. Paths handed around are relative to the root, so a
/// changed public URL never invalidates a stored task.
public struct MediaStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func absolutePath(_ relativePath: String) -> String {
        root + "/" + relativePath
    }

    public func taskDirectory(_ taskID: String) -> String {
        "tasks/\(taskID)"
    }

    /// Writes an uploaded image atomically and returns its relative path.
    public func saveUpload(_ data: Data, format: ImageProbe.Format, id: String) throws -> String {
        let relative = "uploads/\(id).\(format.fileExtension)"
        try FileManager.default.createDirectory(atPath: absolutePath("uploads"), withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: absolutePath(relative)), options: .atomic)
        return relative
    }

    public func remove(_ relativePath: String) {
        try? FileManager.default.removeItem(atPath: absolutePath(relativePath))
    }

    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: absolutePath(relativePath))
    }
}
