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

    /// The media paths of every stored regular file in the folder: not scratch (a name starting
    /// with a dot, a render's `partial-` file), not what ffmpeg was still writing, and no link.
    public func storedPaths() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var paths: [String] = []
        while let path = walker.nextObject() as? String {
            let name = URL(fileURLWithPath: path).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            // Read without following links: a symbolic link, to a file or a folder, may point out
            // of the media folder, and nothing the gateway stores is one.
            let type = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + path))?[.type] as? FileAttributeType
            if type == .typeSymbolicLink { walker.skipDescendants() }
            guard type == .typeRegular, !name.hasPrefix("partial-"), name != "prompt.txt" else { continue }
            paths.append(path)
        }
        return paths.sorted()
    }

    /// What became of one file.
    struct Outcome: Sendable {
        enum Kind: Sendable {
            case copied(bytes: Int)
            case skipped
            case failed(reason: String)
        }

        var path: String
        var kind: Kind
    }

    /// Copies what the bucket lacks; `progress` hears each file as it is done.
    public func run(progress: @escaping @Sendable (String, String) -> Void = { _, _ in }) async -> Report {
        var report = Report()
        var paths = storedPaths().makeIterator()
        await withTaskGroup(of: Outcome.self) { group in
            for _ in 0..<concurrency {
                guard let path = paths.next() else { break }
                group.addTask { await outcome(path) }
            }
            for await outcome in group {
                switch outcome.kind {
                case .copied(let bytes):
                    report.copied.append(outcome.path)
                    report.copiedBytes += bytes
                    progress("copied", outcome.path)
                case .skipped:
                    report.skipped.append(outcome.path)
                    progress("skipped", outcome.path)
                case .failed(let reason):
                    report.failed.append((outcome.path, reason))
                    progress("failed", outcome.path)
                }
                if let path = paths.next() { group.addTask { await self.outcome(path) } }
            }
        }
        return report
    }

    private func outcome(_ path: String) async -> Outcome {
        do {
            return Outcome(path: path, kind: try await copy(path).map { .copied(bytes: $0) } ?? .skipped)
        } catch {
            return Outcome(path: path, kind: .failed(reason: "\(error)"))
        }
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
