import Foundation

/// Where the gateway keeps media: uploaded images under `uploads/`, rendered and kept videos and
/// their stills under `tasks/<id>/`. Paths handed around are relative (`tasks/<id>/video.mp4`),
/// so a changed public URL or store never invalidates a stored task.
///
/// Files are always made in the local folder `root` (ffmpeg and the header readers work on
/// files). Without a bucket that folder is the store. With one, a file counts as stored only once
/// `publish` has put it in the bucket, and the local copy is scratch that goes after publishing;
/// whatever reads a stored file later fetches it (`read`, `withLocalFiles`) or streams it.
public struct MediaStore: Sendable {
    public let root: String
    public let bucket: S3Bucket?

    public init(root: String, bucket: S3Bucket? = nil) {
        self.root = root
        self.bucket = bucket
    }

    public func absolutePath(_ relativePath: String) -> String {
        root + "/" + relativePath
    }

    public func taskDirectory(_ taskID: String) -> String {
        "tasks/\(taskID)"
    }

    /// Stores an uploaded image and returns its relative path.
    public func saveUpload(_ data: Data, format: ImageProbe.Format, id: String) async throws -> String {
        let relative = "uploads/\(id).\(format.fileExtension)"
        if let bucket {
            try await bucket.put(data, as: relative, contentType: format.mediaType)
            return relative
        }
        try FileManager.default.createDirectory(atPath: absolutePath("uploads"), withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: absolutePath(relative)), options: .atomic)
        return relative
    }

    /// Stores an uploaded file from the local `path` (moved, not copied) and returns its relative path.
    public func saveUpload(file path: String, id: String, fileExtension: String) async throws -> String {
        let relative = "uploads/\(id).\(fileExtension)"
        if let bucket {
            try await bucket.upload(file: path, as: relative, contentType: Self.contentType(of: relative))
            return relative
        }
        try FileManager.default.createDirectory(atPath: absolutePath("uploads"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: path, toPath: absolutePath(relative))
        return relative
    }

    /// Puts every file of `media` that was made here into the bucket (a task counts as finished
    /// only after this), then drops the task's local scratch. Without a bucket there is nothing
    /// to do: the files are in place.
    public func publish(_ media: TaskMedia, of taskID: String) async throws {
        guard let bucket else { return }
        for path in Set(media.storedPaths) where FileManager.default.fileExists(atPath: absolutePath(path)) {
            try await bucket.upload(file: absolutePath(path), as: path, contentType: Self.contentType(of: path))
        }
        remove(taskDirectory(taskID))
    }

    /// Puts one file made here into the bucket, then drops the local copy.
    public func publish(_ path: String) async throws {
        guard let bucket else { return }
        try await bucket.upload(file: absolutePath(path), as: path, contentType: Self.contentType(of: path))
        remove(path)
    }

    /// A stored file's bytes (for small files: images), or nil when it is not there. A file
    /// larger than `maxBytes` is not read at all, from the folder or the bucket.
    public func read(_ path: String, maxBytes: Int = 64 * 1024 * 1024) async throws -> Data? {
        let local = absolutePath(path)
        if let size = ((try? FileManager.default.attributesOfItem(atPath: local))?[.size] as? NSNumber)?.intValue {
            guard size <= maxBytes else { throw TooLarge(path: path, size: size) }
            return FileManager.default.contents(atPath: local)
        }
        // The bucket's read stops at `maxBytes` itself.
        return try await bucket?.read(path, maxBytes: maxBytes)
    }

    public struct TooLarge: Error {
        public var path: String
        public var size: Int
    }

    /// A stored file's size in bytes, or nil when it is not there.
    public func size(_ path: String) async -> Int? {
        if let size = (try? FileManager.default.attributesOfItem(atPath: absolutePath(path)))?[.size] as? NSNumber { return size.intValue }
        return try? await bucket?.head(path)?.size
    }

    /// Runs `body` with local paths of stored files (nil stays nil). From a bucket they are
    /// fetched into scratch files that go when `body` returns; a file that is in neither place
    /// is handed on as its local path, where a reader finds nothing.
    public func withLocalFiles<T: Sendable>(_ paths: [String?], _ body: ([String?]) async throws -> T) async throws -> T {
        var fetched: [String] = []
        defer { fetched.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        var local: [String?] = []
        for path in paths {
            guard let path else {
                local.append(nil)
                continue
            }
            let inPlace = absolutePath(path)
            guard let bucket, !FileManager.default.fileExists(atPath: inPlace) else {
                local.append(inPlace)
                continue
            }
            try FileManager.default.createDirectory(atPath: absolutePath(Self.scratch), withIntermediateDirectories: true)
            let scratch = absolutePath("\(Self.scratch)/\(UUID().uuidString)-\(URL(fileURLWithPath: path).lastPathComponent)")
            if try await bucket.download(path, to: scratch) {
                fetched.append(scratch)
                local.append(scratch)
            } else {
                local.append(inPlace)
            }
        }
        return try await body(local)
    }

    /// Removes a local file or folder (scratch, or the store itself without a bucket).
    public func remove(_ relativePath: String) {
        try? FileManager.default.removeItem(atPath: absolutePath(relativePath))
    }

    /// Removes a stored file or folder from wherever it is kept.
    public func delete(_ relativePath: String) async {
        remove(relativePath)
        guard let bucket else { return }
        let inFolder = relativePath.hasSuffix("/") ? relativePath : relativePath + "/"
        var after: String?
        repeat {
            guard let page = try? await bucket.list(under: inFolder, after: after) else { break }
            for path in page.paths { try? await bucket.delete(path) }
            after = page.next
        } while after != nil
        try? await bucket.delete(relativePath)
    }

    /// Removes everything stored for `task`: its folder, any file of its media outside it, and the
    /// copies of the images it was made from.
    public func deleteMedia(of task: VideoTask) async {
        let folder = taskDirectory(task.id)
        await delete(folder)
        for path in Set((task.media?.storedPaths ?? []) + task.request.storedInputPaths) where !path.hasPrefix(folder + "/") {
            await delete(path)
        }
    }

    /// Whether a file is in the local folder.
    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: absolutePath(relativePath))
    }

    // MARK: - Markers

    /// A small note beside a task's media (a render's owner, why it failed) and when it was
    /// last written; in the bucket when there is one, so every process sees it.
    public func readMarker(_ path: String) async -> (text: String, written: Date)? {
        guard let bucket else {
            guard let text = try? String(contentsOfFile: absolutePath(path), encoding: .utf8),
                let written = (try? FileManager.default.attributesOfItem(atPath: absolutePath(path)))?[.modificationDate] as? Date
            else { return nil }
            return (text, written)
        }
        guard let text = try? await bucket.read(path).map({ String(decoding: $0, as: UTF8.self) }) else { return nil }
        let written = (try? await bucket.head(path))?.lastModified.flatMap(HTTPDate.parse) ?? Date()
        return (text, written)
    }

    public func writeMarker(_ path: String, _ text: String) async {
        guard let bucket else {
            try? FileManager.default.createDirectory(
                atPath: absolutePath((path as NSString).deletingLastPathComponent),
                withIntermediateDirectories: true)
            try? text.write(toFile: absolutePath(path), atomically: true, encoding: .utf8)
            return
        }
        try? await bucket.put(Data(text.utf8), as: path, contentType: "text/plain")
    }

    public func removeMarker(_ path: String) async {
        remove(path)
        try? await bucket?.delete(path)
    }

    // MARK: -

    /// Scratch files fetched from the bucket for one job.
    static let scratch = ".scratch"

    static func isURL(_ pathOrURL: String) -> Bool {
        pathOrURL.hasPrefix("http://") || pathOrURL.hasPrefix("https://")
    }

    /// The type a stored file is served with, from its extension (which the gateway chose).
    public static func contentType(of path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "mp4": "video/mp4"
        case "mov": "video/quicktime"
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "webp": "image/webp"
        case "exr": "image/x-exr"
        case "tif", "tiff": "image/tiff"
        case "zip": "application/zip"
        default: "application/octet-stream"
        }
    }
}
