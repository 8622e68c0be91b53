import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOFoundationCompat

/// The bytes behind `GET /v1/videos/{id}/content`: the MP4, its thumbnail, or a spritesheet (a
/// 5×5 grid of frames taken evenly across the video, made once with ffmpeg and kept beside it),
/// served as `/media` serves files (`MediaResponder`). Media an upstream keeps is read through the
/// outbound policy.
struct OpenAIVideoContent: Sendable {
    enum Variant: String {
        case video, thumbnail, spritesheet
    }

    let store: MediaStore
    let outbound: OutboundClient
    let ffmpeg: FFmpeg?
    /// Concurrent requests for one video's spritesheet wait for one ffmpeg run.
    private let spritesheets = SingleFlight<String, String>()
    /// How long a request waits for an ffmpeg slot before it is a 503.
    static let slotWait: Duration = .seconds(10)
    static let maxRemoteBytes = 512 * 1024 * 1024
    static let spritesheetFile = "spritesheet.jpg"

    init(store: MediaStore, outbound: OutboundClient, ffmpeg: FFmpeg?) {
        self.store = store
        self.outbound = outbound
        self.ffmpeg = ffmpeg
    }

    func response(for task: VideoTask, variant: Variant, request: Request, context: GatewayRequestContext) async throws -> Response {
        if let expired = task.media?.expiredAtMillis {
            throw GatewayError.notFound("The content of video \(task.id) expired at \(RFC3339.timestamp(expired)) and is no longer kept.")
        }
        guard task.state == .completed, let media = task.media, let video = media.video else {
            throw GatewayError.conflict(
                "Video \(task.id) is \(OpenAIVideoView.status(task.state)); its content can be downloaded once it is completed.")
        }
        let path: String
        switch variant {
        case .video:
            path = video.url
        case .thumbnail:
            guard let thumbnail = media.thumbnail?.url else { throw GatewayError.notFound("Video \(task.id) has no thumbnail.") }
            path = thumbnail
        case .spritesheet:
            path = try await spritesheets.run(task.id) { try await spritesheet(of: task, video: video) }
        }
        let type = variant == .video ? "video/mp4" : "image/jpeg"
        if !MediaStore.isURL(path) {
            return try await MediaResponder(store: store).response(for: path, request: request, context: context, type: type)
        }
        return MediaResponder.response(for: try await fetch(path), type: type, request: request)
    }

    /// A file an upstream keeps, fetched whole (within `maxRemoteBytes`).
    private func fetch(_ url: String) async throws -> Data {
        do {
            let response = try await outbound.send(
                HTTPClientRequest(url: url), maxBodyBytes: Self.maxRemoteBytes,
                timeout: .seconds(120), redirects: 3)
            guard (200..<300).contains(response.status) else { throw OutboundError.status(response.status) }
            return response.body
        } catch {
            throw GatewayError(
                status: .badGateway, code: "upstream_unavailable",
                detail: "The upstream that keeps this video's file did not deliver it; try again later.")
        }
    }

    /// The stored path of the video's spritesheet, made first unless an earlier request did.
    private func spritesheet(of task: VideoTask, video: TaskMedia.Video) async throws -> String {
        let path = "\(store.taskDirectory(task.id))/\(Self.spritesheetFile)"
        if await store.size(path) != nil { return path }
        guard let ffmpeg else {
            throw GatewayError(
                status: .serviceUnavailable, code: "unavailable", detail: "This gateway cannot make spritesheets: ffmpeg is not installed.")
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
                try await ffmpeg.run(
                    [
                        "-i", local[0] ?? video.url, "-vf", "fps=25/\(String(format: "%.3f", seconds)),scale=256:-2,tile=5x5",
                        "-frames:v", "1", "-q:v", "4", partial,
                    ], in: directory, slotWait: Self.slotWait)
            }
            try FileManager.default.moveItem(atPath: directory + "/" + partial, toPath: store.absolutePath(path))
            try await store.publish(path)
        } catch is FFmpeg.Busy {
            try? FileManager.default.removeItem(atPath: directory + "/" + partial)
            throw GatewayError(
                status: .serviceUnavailable, code: "busy",
                detail: "This gateway is busy making other media; ask for the spritesheet again shortly.", retryAfterSeconds: 5)
        } catch {
            try? FileManager.default.removeItem(atPath: directory + "/" + partial)
            throw GatewayError(status: .internalServerError, code: "spritesheet_failed", detail: "The spritesheet of this video could not be made.")
        }
        return path
    }
}
