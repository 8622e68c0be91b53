import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Reads what a finished upstream video is, without downloading it: size and duration from the
/// MP4's `moov` box over HTTP Range requests (bounded in requests and bytes), the thumbnail's size
/// from its header and, with ffmpeg, the last frame (stored locally) and the thumbnail's palette.
/// Whatever cannot be read stays nil: nothing is guessed. The URLs come from the upstream, so they
/// go through the outbound policy like a client's, and the box sizes read are checked arithmetic.
public struct RemoteMediaInspector: Sendable {
    let outbound: OutboundClient
    let ffmpeg: FFmpeg?
    let store: MediaStore
    let timeout: Duration
    static let chunkBytes = 64 * 1024
    static let maxMoovBytes = 8 * 1024 * 1024
    static let maxRequests = 8
    static let attempts = 3

    public init(outbound: OutboundClient, ffmpeg: FFmpeg?, store: MediaStore, timeout: Duration = .seconds(20)) {
        self.outbound = outbound
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
        async let palette = await mayOpen(imageURL) ? try? ffmpeg?.paletteGrid(of: imageURL, in: store.root) : nil
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
            let bytes = [UInt8](chunk)
            var local = 0
            reading: while true {
                let header: MP4Boxes.Header
                switch MP4Boxes.header(bytes, at: local) {
                case .header(let read): header = read
                case .needsMoreBytes: break reading
                case .invalid: return nil
                }
                // A box running to the end of the file has no size to bound a read with.
                guard let size = header.size else { return nil }
                if header.type == "moov" {
                    guard size <= Self.maxMoovBytes else { return nil }
                    if local + size <= bytes.count {
                        return MP4Probe.probe(Data(bytes[local..<(local + size)]))
                    }
                    return MP4Probe.probe(try await range(url, offset: offset + local, length: size))
                }
                let (next, overflow) = local.addingReportingOverflow(size)
                guard !overflow else { return nil }
                local = next
            }
            guard local > 0, chunk.count == Self.chunkBytes || local > chunk.count else { return nil }
            let (next, overflow) = offset.addingReportingOverflow(local)
            guard !overflow, next < Int(Int32.max) * 64 else { return nil }
            offset = next
        }
        return nil
    }

    /// Up to `length` bytes from `offset`. A server that ignores Range is read up to the bound.
    func range(_ url: String, offset: Int, length: Int) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Range", value: "bytes=\(offset)-\(offset + length - 1)")
        // A server that ignores Range sends the file from its start: read it only as far as needed.
        let response = try await outbound.send(
            request, maxBodyBytes: min(Self.maxMoovBytes + offset + length, 64 * 1024 * 1024),
            timeout: timeout, redirects: 3)
        switch response.status {
        case 206:
            return response.body.prefix(length + 1024)
        case 200:
            let whole = response.body
            return whole.count > offset ? whole.subdata(in: offset..<min(whole.count, offset + length)) : Data()
        default:
            throw UpstreamError.httpStatus(response.status)
        }
    }

    /// Whether ffmpeg may open `url`: ffmpeg connects by itself, so the policy is asked first.
    private func mayOpen(_ url: String) async -> Bool {
        guard outbound.policy.refusalBeforeLookup(url) == nil, let host = URL(string: url).flatMap(OutboundPolicy.host(of:)) else { return false }
        return (try? await outbound.policy.address(for: host)) != nil
    }

    private func lastFrame(taskID: String, videoURL: String) async throws -> TaskMedia.Image? {
        guard let ffmpeg, await mayOpen(videoURL) else { return nil }
        let directory = store.taskDirectory(taskID)
        try FileManager.default.createDirectory(atPath: store.absolutePath(directory), withIntermediateDirectories: true)
        let path = "\(directory)/last_frame.jpg"
        try await ffmpeg.run(
            ["-sseof", "-0.5", "-i", videoURL, "-update", "1", "-q:v", "3", "last_frame.jpg"],
            in: store.absolutePath(directory))
        let size = ImageProbe.size(ofFileAt: store.absolutePath(path))
        return TaskMedia.Image(url: path, width: size?.width, height: size?.height, paletteGrid: nil)
    }
}
