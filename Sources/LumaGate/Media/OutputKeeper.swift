import Foundation

/// Keeps a finished upstream output (a video or an image) in the gateway's media store, because
/// upstream links expire (the Agents API's an hour after they were made) and the gateway's must
/// not. The file is streamed to a scratch name, bounded in bytes and time, and takes its final
/// name only when complete; a video's stills are made as for a sandbox render. The URL comes from the upstream, so it
/// goes through the outbound policy like a client's.
public struct OutputKeeper: Sendable {
    public struct Settings: Sendable {
        /// Largest output kept; a larger one fails its task.
        public var maxBytes = 2 * 1024 * 1024 * 1024
        /// One attempt at fetching an output.
        public var timeout: Duration = .seconds(600)
        /// A finished generation whose output could not be kept this long after the task's submit
        /// fails (and is refunded): until then each poll brings a fresh link and another attempt.
        public var deadlineSeconds: Double = 90 * 60
        public init() {}
    }

    /// Why an output was not kept; `permanent` when fetching it again cannot help.
    public struct Failure: Error, CustomStringConvertible {
        public var permanent: Bool
        public var description: String
    }

    let outbound: OutboundClient
    let stills: VideoStills
    let store: MediaStore
    let settings: Settings

    public init(outbound: OutboundClient, stills: VideoStills, store: MediaStore, settings: Settings = .init()) {
        self.outbound = outbound
        self.stills = stills
        self.store = store
        self.settings = settings
    }

    /// What a channel reports for `task`'s finished generation whose output is at `url` (with
    /// `extras` made alongside it, such as an EXR export): completed once every file is kept;
    /// still dreaming while another attempt can help; failed otherwise.
    func snapshot(
        of task: VideoTask, outputAt url: String, outputLayer: TaskMedia.Layer? = nil,
        extras: [(type: String, url: String, layer: TaskMedia.Layer?)] = [], upstream: String = "Luma", now: Date
    ) async -> UpstreamSnapshot {
        let kind = task.request.producesImage ? "image" : "video"
        do {
            // The extras first, while their links are fresh: a video's stills are made again at
            // each attempt and, on a loaded machine, could outlast short-lived links every time.
            var kept: [TaskMedia.Extra] = []
            for (index, extra) in extras.prefix(Self.maxExtras).enumerated() {
                var extraKept = try await keepExtra(taskID: task.id, index: index, type: extra.type, from: extra.url)
                extraKept.layer = extra.layer
                kept.append(extraKept)
            }
            var media =
                task.request.producesImage
                ? try await keepImage(taskID: task.id, from: url, atMillis: now.millis)
                : try await keepVideo(taskID: task.id, from: url, atMillis: now.millis)
            media.image?.layer = outputLayer
            if !kept.isEmpty { media.extras = kept }
            return .completed(media)
        } catch let failure as Failure {
            guard failure.permanent || now.timeIntervalSince(Date(millis: task.createdAtMillis)) > settings.deadlineSeconds else {
                return .dreaming
            }
            return .failed(reason: "\(upstream) finished the \(kind), but the gateway could not keep it: \(failure).")
        } catch {
            return .dreaming
        }
    }

    /// This keeper, fetching from `host` whatever its address: an upstream's own machine (a
    /// ComfyUI on the LAN) is trusted for its outputs, and nothing else is.
    func trusting(host: String) -> OutputKeeper {
        OutputKeeper(outbound: OutboundClient(policy: outbound.policy.allowing(host)), stills: stills, store: store, settings: settings)
    }

    /// The task's media, with the video at `url` copied in first unless an earlier attempt did.
    func keepVideo(taskID: String, from url: String, atMillis: Int64) async throws -> TaskMedia {
        let directory = store.taskDirectory(taskID)
        let video = "\(directory)/\(VideoStills.videoFile)"
        if !store.exists(video) {
            try await download(url, to: video, in: directory)
        }
        do {
            return try await stills.media(taskID: taskID, createdAtMillis: atMillis)
        } catch let unreadable as VideoStills.Unreadable {
            store.remove(video)
            throw Failure(permanent: true, description: "the upstream's video is not a playable MP4 (\(unreadable))")
        } catch {
            throw Failure(permanent: false, description: "its stills could not be made (\(error))")
        }
    }

    /// The task's media for an image output at `url` (PNG, JPEG or WebP), copied in first unless
    /// an earlier attempt did.
    func keepImage(taskID: String, from url: String, atMillis: Int64) async throws -> TaskMedia {
        let directory = store.taskDirectory(taskID)
        let image = try await keptImage(from: url, named: "image", in: directory)
        let size = ImageProbe.size(ofFileAt: store.absolutePath(image))
        let palette = try? await stills.ffmpeg?.paletteGrid(of: store.absolutePath(image), in: store.absolutePath(directory))
        return TaskMedia(
            video: nil, image: .init(url: image, width: size?.width, height: size?.height, paletteGrid: palette),
            createdAtMillis: atMillis)
    }

    /// The image at `url` kept as `<name>.<its format>` in `directory`, unless an earlier attempt
    /// kept it; refused unless it is a PNG, JPEG or WebP.
    private func keptImage(from url: String, named name: String, in directory: String) async throws -> String {
        if let existing = ImageProbe.Format.allCases.map({ "\(directory)/\(name).\($0.fileExtension)" }).first(where: store.exists) {
            return existing
        }
        try FileManager.default.createDirectory(atPath: store.absolutePath(directory), withIntermediateDirectories: true)
        let partial = "\(directory)/partial-\(UUID().uuidString)"
        do {
            try await outbound.download(url, to: store.absolutePath(partial), maxBytes: settings.maxBytes, timeout: settings.timeout)
        } catch {
            store.remove(partial)
            throw Self.failure(error, maxBytes: settings.maxBytes)
        }
        let head = try? Data(contentsOf: URL(fileURLWithPath: store.absolutePath(partial)), options: .alwaysMapped).prefix(64)
        guard let format = head.flatMap(ImageProbe.format(of:)) else {
            store.remove(partial)
            throw Failure(permanent: true, description: "the upstream's image is not a PNG, JPEG or WebP")
        }
        let image = "\(directory)/\(name).\(format.fileExtension)"
        try FileManager.default.moveItem(atPath: store.absolutePath(partial), toPath: store.absolutePath(image))
        return image
    }

    /// At most this many files besides the main output are kept: Luma makes one beside a video
    /// (the EXR), and a layering's layers are a handful.
    static let maxExtras = 16

    /// A file made alongside the output, kept byte for byte under a name whose extension comes
    /// from a short list, so a stored file is never served as a page.
    func keepExtra(taskID: String, index: Int, type: String, from url: String) async throws -> TaskMedia.Extra {
        let directory = store.taskDirectory(taskID)
        let path: String
        if type == "image" {  // a layer
            path = try await keptImage(from: url, named: "extra-\(index)", in: directory)
        } else {
            let urlExtension = URL(string: url).map { $0.pathExtension.lowercased() } ?? ""
            let fileExtension = [type.lowercased(), urlExtension].first(where: Self.extraExtensions.contains) ?? "bin"
            path = "\(directory)/extra-\(index).\(fileExtension)"
            if !store.exists(path) {
                try await download(url, to: path, in: directory)
            }
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: store.absolutePath(path))[.size] as? Int) ?? 0
        return TaskMedia.Extra(type: type, url: path, bytes: bytes)
    }

    /// Streams `url` into the store at `path` (in `directory`), under a scratch name until complete.
    private func download(_ url: String, to path: String, in directory: String) async throws {
        try FileManager.default.createDirectory(atPath: store.absolutePath(directory), withIntermediateDirectories: true)
        let partial = "\(directory)/partial-\(UUID().uuidString)"
        do {
            try await outbound.download(url, to: store.absolutePath(partial), maxBytes: settings.maxBytes, timeout: settings.timeout)
            try FileManager.default.moveItem(atPath: store.absolutePath(partial), toPath: store.absolutePath(path))
        } catch {
            store.remove(partial)
            throw Self.failure(error, maxBytes: settings.maxBytes)
        }
    }

    private static let extraExtensions: Set<String> = ["exr", "zip", "mp4", "mov", "png", "jpg", "webp", "tif", "tiff"]

    private static func failure(_ error: any Error, maxBytes: Int) -> Failure {
        switch error {
        case OutboundError.tooLarge:
            Failure(permanent: true, description: "the upstream's file is larger than the \(maxBytes / 1024 / 1024) MiB this gateway keeps")
        case OutboundError.refused(let refusal):
            Failure(permanent: true, description: "the upstream's file is at an address this gateway may not fetch (\(refusal))")
        default:
            Failure(permanent: false, description: "the upstream's file could not be fetched (\(error))")
        }
    }
}
