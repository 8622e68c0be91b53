import Foundation

/// Copies a media folder into a bucket, for a deployment moving from `--media-store file` to
/// `s3://…`: every stored file under the same media path, a few at a time. It can be stopped and
/// run again at any point: a file the bucket already holds at the same size is skipped, and an
/// upload cut short leaves no object, so the next run copies it whole.
public struct MediaMigration: Sendable {
    public struct Report: Sendable {
        public var copied: [String] = []
        public var skipped: [String] = []
        public var failed: [(path: String, reason: String)] = []
        public var copiedBytes = 0
    }

    let folder: String
    let bucket: S3Bucket
    let concurrency: Int

    public init(folder: String, bucket: S3Bucket, concurrency: Int = 4) {
        self.folder = folder
        self.bucket = bucket
        self.concurrency = concurrency
    }

    /// The media paths of every stored file in the folder: not scratch (a name starting with a
    /// dot, a render's `partial-` file) and not what ffmpeg was still writing.
    public func storedPaths() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var paths: [String] = []
        while let path = walker.nextObject() as? String {
            let name = URL(fileURLWithPath: path).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  !name.hasPrefix("partial-"), name != "prompt.txt" else { continue }
            paths.append(path)
        }
        return paths.sorted()
    }

    /// Copies what the bucket lacks; `progress` hears each file as it is done.
    public func run(progress: @escaping @Sendable (String, String) -> Void = { _, _ in }) async -> Report {
        var report = Report()
        let paths = storedPaths()
        var next = 0
        await withTaskGroup(of: (String, Result<Int?, any Error>).self) { group in
            func start() {
                guard next < paths.count else { return }
                let path = paths[next]
                next += 1
                group.addTask {
                    do {
                        return (path, .success(try await copy(path)))
                    } catch {
                        return (path, .failure(error))
                    }
                }
            }
            for _ in 0..<concurrency { start() }
            while let (path, result) = await group.next() {
                switch result {
                case .success(let bytes?):
                    report.copied.append(path)
                    report.copiedBytes += bytes
                    progress("copied", path)
                case .success(nil):
                    report.skipped.append(path)
                    progress("skipped", path)
                case .failure(let error):
                    report.failed.append((path, "\(error)"))
                    progress("failed", path)
                }
                start()
            }
        }
        return report
    }

    /// The bytes copied, or nil when the bucket already holds the file at its size.
    private func copy(_ path: String) async throws -> Int? {
        let file = folder + "/" + path
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
        if let head = try await bucket.head(path), head.size == size { return nil }
        try await bucket.upload(file: file, as: path, contentType: MediaStore.contentType(of: path))
        return size
    }
}
