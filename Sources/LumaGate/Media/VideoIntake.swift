import Foundation

/// Turns a client's video (an http(s) URL, base64 data, or a file's bytes) into the gateway's own
/// MP4, or a 4xx naming the field. Nothing is trusted before ffmpeg has read it: the bytes are
/// fetched through the outbound policy, bounded in size and time; the first video stream is
/// re-muxed into an MP4 (no other stream, nothing decoded; encoded as H.264 when an MP4 cannot
/// carry it as it is), cut a moment past the longest a source may be; its size and length are read from the new file; then every frame is decoded
/// once, so a truncated or mislabelled file is refused here rather than upstream.
public struct VideoIntake: Sendable {
    public struct Video: Sendable {
        /// Relative to the media root.
        public var storedPath: String
        public var width: Int
        public var height: Int
        public var duration: Double
    }

    /// Where a client's video is.
    public enum Source: Sendable {
        case url(String)
        case base64(String)
        /// One of the client's files, by id.
        case file(String)
    }

    /// What the Agents API takes as a video.
    public static let mediaTypes = ["video/mp4", "video/quicktime", "video/webm"]
    /// Luma's longest source for an edit or a reframe.
    public static let maxSeconds = 18.0
    /// The largest side a source may have (Luma's outputs are at most 1080p; 4K sources are common).
    public static let maxSide = 4096

    let outbound: OutboundClient
    let ffmpeg: FFmpeg?
    let store: MediaStore
    public let maxBytes: Int
    let timeout: Duration
    /// Fetches at once: four for all clients, one per token (a video is up to 100 MiB).
    private let fetches = FairLimiter(total: 4, perKey: 1)

    public init(outbound: OutboundClient, ffmpeg: FFmpeg?, store: MediaStore, maxBytes: Int = 100 * 1024 * 1024, timeout: Duration = .seconds(60)) {
        self.outbound = outbound
        self.ffmpeg = ffmpeg
        self.store = store
        self.maxBytes = maxBytes
        self.timeout = timeout
    }

    /// The video at `url`, fetched for `tokenID`.
    func take(url: String, field: String, tokenID: String) async throws -> Video {
        guard FieldRules.isHTTPURL(url) else { throw GatewayError.invalidRequest("Field `\(field)` must be an http(s) URL.") }
        try FieldRules.urlLength(field, url)
        return try await inScratch { input in
            do {
                try await fetches.holding(tokenID) { try await outbound.download(url, to: input, maxBytes: maxBytes, timeout: timeout) }
            } catch OutboundError.refused {
                throw GatewayError.unfetchableAddress(field)
            } catch OutboundError.tooLarge {
                throw tooLarge(field)
            } catch {
                throw GatewayError.invalidRequest(
                    "Field `\(field)` could not be fetched within \(timeout.components.seconds) s; use a public URL that serves the video.")
            }
            return try await keep(input, field: field)
        }
    }

    /// A video sent as base64.
    func take(base64: String, field: String) async throws -> Video {
        if base64.utf8.count / 4 * 3 > maxBytes + 2 { throw tooLarge(field) }
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw GatewayError.invalidRequest("Field `\(field)` does not hold valid base64 data.")
        }
        return try await take(data, field: field)
    }

    /// A video's bytes (a file's).
    func take(_ data: Data, field: String) async throws -> Video {
        guard data.count <= maxBytes else { throw tooLarge(field) }
        return try await inScratch { input in
            try data.write(to: URL(fileURLWithPath: input))
            return try await keep(input, field: field)
        }
    }

    /// A copy of a video the gateway already keeps (a file's), read again: a task keeps its own.
    func take(stored path: String, field: String) async throws -> Video {
        try await store.withLocalFiles([path]) { local in
            guard let local = local[0] else { throw GatewayError.invalidRequest("Field `\(field)` names a file this gateway no longer keeps.") }
            return try await inScratch { input in
                try FileManager.default.copyItem(atPath: local, toPath: input)
                return try await keep(input, field: field)
            }
        }
    }

    private func inScratch(_ body: (String) async throws -> Video) async throws -> Video {
        let directory = NSTemporaryDirectory() + "lumagate-video-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory + "/input")
    }

    /// Re-muxes, reads and decodes the video at `input`, then stores the MP4.
    private func keep(_ input: String, field: String) async throws -> Video {
        guard let ffmpeg else { throw Self.unavailable }
        let unreadable = GatewayError.invalidRequest("Field `\(field)` is not a video this gateway can read (MP4, MOV or WebM).")
        let directory = URL(fileURLWithPath: input).deletingLastPathComponent().path
        // A stream an MP4 cannot carry as it is (VP8, ProRes) is encoded as H.264 instead.
        let cut = ["-i", input, "-map", "0:v:0", "-t", String(Self.maxSeconds + 0.5)]
        let output = ["-movflags", "+faststart", "-f", "mp4", "remuxed.mp4"]
        let encode = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2"]
        do {
            do {
                try await ffmpeg.run(cut + ["-c", "copy"] + output, in: directory, slotWait: Self.slotWait)
            } catch let failure as FFmpeg.Failure where !failure.timedOut {
                try await ffmpeg.run(cut + encode + output, in: directory, slotWait: Self.slotWait)
            }
        } catch is FFmpeg.Busy {
            throw Self.busy
        } catch {
            throw unreadable
        }
        let remuxed = directory + "/remuxed.mp4"
        guard let info = MP4Probe.probe(fileAt: remuxed), info.width > 0, info.height > 0 else { throw unreadable }
        guard info.width <= Self.maxSide, info.height <= Self.maxSide else {
            throw GatewayError.invalidRequest(
                "Field `\(field)` is \(info.width)×\(info.height); a source video is at most \(Self.maxSide) pixels on a side.")
        }
        guard info.duration <= Self.maxSeconds else {
            throw GatewayError.invalidRequest("Field `\(field)` is longer than \(Int(Self.maxSeconds)) s, the longest source Luma edits.")
        }
        do {
            try await ffmpeg.run(["-xerror", "-i", "remuxed.mp4", "-f", "null", "-"], in: directory, slotWait: Self.slotWait)
        } catch is FFmpeg.Busy {
            throw Self.busy
        } catch {
            throw unreadable
        }
        let path = try await store.saveUpload(file: remuxed, id: UUID().uuidString.lowercased(), fileExtension: "mp4")
        return Video(storedPath: path, width: info.width, height: info.height, duration: info.duration)
    }

    /// A gateway without ffmpeg reads no video: a condition of the host, for its operator to mend.
    static let unavailable = GatewayError(
        status: .serviceUnavailable, code: "video_unavailable", detail: "This gateway cannot take videos: ffmpeg is not installed on its host.")

    /// How long a request waits for an ffmpeg slot before it is told to come back.
    static let slotWait: Duration = .seconds(10)
    static let busy = GatewayError(
        status: .serviceUnavailable, code: "busy", detail: "This gateway is busy reading other media; send the video again in a moment.",
        retryAfterSeconds: 5)

    private func tooLarge(_ field: String) -> GatewayError {
        .payloadTooLarge("Field `\(field)` is larger than \(maxBytes / (1024 * 1024)) MiB, the largest video this gateway accepts.")
    }
}
