import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOFoundationCompat

/// The bytes behind `GET /v1/videos/{id}/content`: the MP4, its thumbnail, or a spritesheet (a
/// 5×5 grid of frames taken evenly across the video, made once with ffmpeg and kept beside it),
/// with single-range HTTP Range requests answered (from a bucket, streamed with the range passed
/// on). Media an upstream keeps is read through the outbound policy.
struct OpenAIVideoContent: Sendable {
    enum Variant: String {
        case video, thumbnail, spritesheet
    }

    let store: MediaStore
    let outbound: OutboundClient
    let ffmpeg: FFmpeg?
    static let maxRemoteBytes = 512 * 1024 * 1024
    static let spritesheetFile = "spritesheet.jpg"

    func response(for task: VideoTask, variant: Variant, request: Request) async throws -> Response {
        if let expired = task.media?.expiredAtMillis {
            throw GatewayError.notFound("The content of video \(task.id) expired at \(RFC3339.timestamp(expired)) and is no longer kept.")
        }
        guard task.state == .completed, let media = task.media, let video = media.video else {
            throw GatewayError.conflict("Video \(task.id) is \(OpenAIVideoView.status(task.state)); its content can be downloaded once it is completed.")
        }
        let path: String
        switch variant {
        case .video:
            path = video.url
        case .thumbnail:
            guard let thumbnail = media.thumbnail?.url else { throw GatewayError.notFound("Video \(task.id) has no thumbnail.") }
            path = thumbnail
        case .spritesheet:
            path = try await spritesheet(of: task, video: video)
        }
        let type = variant == .video ? "video/mp4" : "image/jpeg"
        if let bucket = store.bucket, !MediaStore.isURL(path) {
            return try await BucketMediaResponder(bucket: bucket).response(for: path, request: request, type: type)
        }
        return Self.serve(try await read(path), type: type, range: request.headers[.range])
    }

    /// A stored path is read from the media folder; a URL (an upstream's) is fetched.
    private func read(_ pathOrURL: String) async throws -> Data {
        if !MediaStore.isURL(pathOrURL) {
            guard let data = try await store.read(pathOrURL, maxBytes: Self.maxRemoteBytes) else {
                throw GatewayError.notFound("This video's file is no longer kept.")
            }
            return data
        }
        do {
            let response = try await outbound.send(HTTPClientRequest(url: pathOrURL), maxBodyBytes: Self.maxRemoteBytes,
                                                   timeout: .seconds(120), redirects: 3)
            guard (200..<300).contains(response.status) else { throw OutboundError.status(response.status) }
            return response.body
        } catch {
            throw GatewayError(status: .badGateway, code: "upstream_unavailable",
                               detail: "The upstream that keeps this video's file did not deliver it; try again later.")
        }
    }

    /// The stored path of the video's spritesheet, made first unless an earlier request did.
    private func spritesheet(of task: VideoTask, video: TaskMedia.Video) async throws -> String {
        let path = "\(store.taskDirectory(task.id))/\(Self.spritesheetFile)"
        if await store.size(path) != nil { return path }
        guard let ffmpeg else {
            throw GatewayError(status: .serviceUnavailable, code: "unavailable", detail: "This gateway cannot make spritesheets: ffmpeg is not installed.")
        }
        if MediaStore.isURL(video.url), outbound.policy.refusalBeforeLookup(video.url) != nil {
            throw GatewayError.notFound("This video's file cannot be read for a spritesheet.")
        }
        let directory = store.absolutePath(store.taskDirectory(task.id))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let seconds = max(video.duration ?? Double(task.request.durationSeconds), 1)
        let partial = "partial-\(UUID().uuidString).jpg"
        do {
            _ = try await store.withLocalFiles([MediaStore.isURL(video.url) ? nil : video.url]) { local in
                try await ffmpeg.run(["-i", local[0] ?? video.url, "-vf", "fps=25/\(String(format: "%.3f", seconds)),scale=256:-2,tile=5x5",
                                      "-frames:v", "1", "-q:v", "4", partial], in: directory)
            }
            try FileManager.default.moveItem(atPath: directory + "/" + partial, toPath: store.absolutePath(path))
            try await store.publish(path)
        } catch {
            try? FileManager.default.removeItem(atPath: directory + "/" + partial)
            throw GatewayError(status: .internalServerError, code: "spritesheet_failed", detail: "The spritesheet of this video could not be made.")
        }
        return path
    }

    /// The bytes, or the one range `Range: bytes=a-b` (`a-`, `-n`) asks for. A header this does
    /// not read (several ranges, a reversed one) is ignored, as HTTP allows; a range that starts
    /// past the end is a 416.
    static func serve(_ bytes: Data, type: String, range: String?) -> Response {
        var headers: HTTPFields = [.acceptRanges: "bytes", .init("X-Content-Type-Options")!: "nosniff"]
        if let range, let start = Self.start(range), start >= bytes.count {
            headers[.contentRange] = "bytes */\(bytes.count)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        headers[.contentType] = type
        guard let range, let (start, end) = bounds(range, count: bytes.count) else {
            headers[.contentLength] = String(bytes.count)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: bytes)))
        }
        let slice = bytes.subdata(in: start..<(end + 1))
        headers[.contentRange] = "bytes \(start)-\(end)/\(bytes.count)"
        headers[.contentLength] = String(slice.count)
        return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: ByteBuffer(data: slice)))
    }

    /// Where a single `bytes=a-...` range starts, if that is what the header is.
    private static func start(_ header: String) -> Int? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        return header.dropFirst(6).split(separator: "-", maxSplits: 1).first.flatMap { Int($0) }
    }

    private static func bounds(_ header: String, count: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), !header.contains(","), count > 0 else { return nil }
        let parts = header.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let suffix = Int(parts[1]), suffix > 0 else { return nil }
            return (max(count - suffix, 0), count - 1)
        }
        guard let start = Int(parts[0]), start < count else { return nil }
        let end = parts[1].isEmpty ? count - 1 : min(Int(parts[1]) ?? -1, count - 1)
        return end >= start ? (start, end) : nil
    }
}
