import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Reads what a finished upstream video is, without downloading it: size and duration from the
/// MP4's `moov` box over HTTP Range requests (bounded in requests and bytes), the thumbnail's size
/// from its header and, with ffmpeg, the last frame (stored locally) and the thumbnail's palette.
/// Whatever cannot be read stays nil: nothing is guessed.
public struct RemoteMediaInspector: Sendable {
    let httpClient: HTTPClient
    let ffmpeg: FFmpeg?
    let store: MediaStore
    let timeout: TimeAmount
    static let chunkBytes = 64 * 1024
    static let maxMoovBytes = 8 * 1024 * 1024
    static let maxRequests = 8
    static let attempts = 3

    public init(httpClient: HTTPClient, ffmpeg: FFmpeg?, store: MediaStore, timeout: TimeAmount = .seconds(20)) {
        self.httpClient = httpClient
        self.ffmpeg = ffmpeg
        self.store = store
        self.timeout = timeout
    }

    public func inspect(taskID: String, videoURL: String, imageURL: String?, atMillis: Int64) async -> TaskMedia {
        // The reads are independent: run them side by side.
        async let info = mp4InfoRetrying(videoURL)
        async let lastFrame = try? lastFrame(taskID: taskID, videoURL: videoURL)
        async let thumbnail = thumbnail(imageURL)
        let video = await info
        return TaskMedia(
            video: .init(url: videoURL, downloadURL: videoURL, width: video?.width, height: video?.height, duration: video?.duration),
            thumbnail: await thumbnail,
            lastFrame: await lastFrame,
            createdAtMillis: atMillis)
    }

    private func thumbnail(_ imageURL: String?) async -> TaskMedia.Image? {
        guard let imageURL else { return nil }
        return await image(imageURL)
    }

    /// An image's size (from its header) and palette.
    public func image(_ imageURL: String) async -> TaskMedia.Image {
        async let palette = try? ffmpeg?.paletteGrid(of: imageURL, in: store.root)
        let size = (try? await range(imageURL, offset: 0, length: Self.chunkBytes)).flatMap(ImageProbe.size(of:))
        return TaskMedia.Image(url: imageURL, width: size?.width, height: size?.height, paletteGrid: await palette)
    }

    /// The video's size and duration, asked again after a failed request (a timeout or a refused
    /// connection on a busy upstream): a task is completed once, so what is missed now stays missing.
    private func mp4InfoRetrying(_ url: String) async -> MP4Probe.Info? {
        for attempt in 1...Self.attempts {
            do {
                return try await mp4Info(url)
            } catch {
                if attempt < Self.attempts { try? await Task.sleep(for: .milliseconds(500 * attempt)) }
            }
        }
        return nil
    }

    /// Walks the top-level boxes by their headers until `moov`, then reads just that box.
    func mp4Info(_ url: String) async throws -> MP4Probe.Info? {
        var offset = 0
        for _ in 0..<Self.maxRequests {
            let chunk = try await range(url, offset: offset, length: Self.chunkBytes)
            var local = 0
            while local + 8 <= chunk.count {
                let bytes = [UInt8](chunk[(chunk.startIndex + local)..<(chunk.startIndex + local + 8)])
                var size = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
                let type = String(decoding: bytes[4..<8], as: UTF8.self)
                if size == 1 {
                    guard local + 16 <= chunk.count else { break }
                    size = chunk[(chunk.startIndex + local + 8)..<(chunk.startIndex + local + 16)].reduce(0) { $0 << 8 | Int($1) }
                }
                guard size >= 8 else { return nil }
                if type == "moov" {
                    guard size <= Self.maxMoovBytes else { return nil }
                    if local + size <= chunk.count {
                        return MP4Probe.probe(Data(chunk[(chunk.startIndex + local)..<(chunk.startIndex + local + size)]))
                    }
                    return MP4Probe.probe(try await range(url, offset: offset + local, length: size))
                }
                local += size
            }
            guard local > 0, chunk.count == Self.chunkBytes || local > chunk.count else { return nil }
            offset += local
        }
        return nil
    }

    /// Up to `length` bytes from `offset`. A server that ignores Range is read up to the bound.
    func range(_ url: String, offset: Int, length: Int) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Range", value: "bytes=\(offset)-\(offset + length - 1)")
        let response = try await httpClient.execute(request, timeout: timeout)
        switch response.status.code {
        case 206:
            return Data(buffer: try await response.body.collect(upTo: length + 1024))
        case 200:
            let whole = Data(buffer: try await response.body.collect(upTo: Self.maxMoovBytes + offset + length))
            return whole.count > offset ? whole.subdata(in: offset..<min(whole.count, offset + length)) : Data()
        default:
            throw UpstreamError.httpStatus(Int(response.status.code))
        }
    }

    private func lastFrame(taskID: String, videoURL: String) async throws -> TaskMedia.Image? {
        guard let ffmpeg else { return nil }
        let directory = store.taskDirectory(taskID)
        try FileManager.default.createDirectory(atPath: store.absolutePath(directory), withIntermediateDirectories: true)
        let path = "\(directory)/last_frame.jpg"
        try await ffmpeg.run(["-sseof", "-0.5", "-i", videoURL, "-update", "1", "-q:v", "3", "last_frame.jpg"],
                             in: store.absolutePath(directory))
        let size = ImageProbe.size(ofFileAt: store.absolutePath(path))
        return TaskMedia.Image(url: path, width: size?.width, height: size?.height, paletteGrid: nil)
    }
}
