import Foundation

/// A task in the relay format (`/luma/...`): the answer of submit, extend, query, batch and list.
///
/// The gateway always sends every key, with `null` where a value is not known yet, and encoding
/// writes it back the same way, so a task printed by a client reads like the server's answer.
public struct LumaTask: Codable, Sendable, Equatable {
    public var id: String
    public var state: LumaTaskState
    /// Set once the task is completed, always with `url` and `downloadURL`.
    public var video: Video?
    public var request: Request
    public var artifact: Artifact?
    public var thumbnail: Image?
    public var videoRaw: VideoRaw?
    /// RFC 3339 in UTC with milliseconds, as sent; `createdDate` parses it.
    public var createdAt: String
    public var lastFrame: Image?
    /// A sentence saying why, when the task failed.
    public var failureReason: String?
    public var prompt: String?
    public var liked: Bool?
    public var estimateWaitSeconds: Int?

    public var createdDate: Date? { LumaTask.parseTimestamp(createdAt) }

    public struct Video: Codable, Sendable, Equatable {
        public var url: String
        public var width: Int?
        public var height: Int?
        public var downloadURL: String

        enum CodingKeys: String, CodingKey {
            case url, width, height
            case downloadURL = "download_url"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
            try container.encode(width, forKey: .width)
            try container.encode(height, forKey: .height)
            try container.encode(downloadURL, forKey: .downloadURL)
        }
    }

    /// A thumbnail or last frame.
    public struct Image: Codable, Sendable, Equatable {
        public var url: String
        public var width: Int?
        public var height: Int?
        /// Base64 of the image scaled to 5×5 RGB pixels (75 bytes), when known.
        public var palette: Palette?
        public var mediaType: String

        public struct Palette: Codable, Sendable, Equatable {
            public var grid: String
        }

        enum CodingKeys: String, CodingKey {
            case url, width, height, palette
            case mediaType = "media_type"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
            try container.encode(width, forKey: .width)
            try container.encode(height, forKey: .height)
            try container.encode(palette, forKey: .palette)
            try container.encode(mediaType, forKey: .mediaType)
        }
    }

    public struct VideoRaw: Codable, Sendable, Equatable {
        public var url: String
        public var width: Int?
        public var height: Int?
        /// Seconds, read from the MP4 itself (5 s of video at 24 fps is 5.041667).
        public var duration: Double?
        public var mediaType: String

        enum CodingKeys: String, CodingKey {
            case url, width, height, duration
            case mediaType = "media_type"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
            try container.encode(width, forKey: .width)
            try container.encode(height, forKey: .height)
            try container.encode(duration, forKey: .duration)
            try container.encode(mediaType, forKey: .mediaType)
        }
    }

    public struct Artifact: Codable, Sendable, Equatable {
        public var video: Video?
        public var thumbnail: Image?
        public var videoRaw: VideoRaw?
        public var createdAt: String
        public var lastFrame: Image?

        enum CodingKeys: String, CodingKey {
            case video, thumbnail
            case videoRaw = "video_raw"
            case createdAt = "created_at"
            case lastFrame = "last_frame"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(video, forKey: .video)
            try container.encode(thumbnail, forKey: .thumbnail)
            try container.encode(videoRaw, forKey: .videoRaw)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(lastFrame, forKey: .lastFrame)
        }
    }

    /// The request as the gateway accepted it. Unlike the task's own keys, the ones a client did
    /// not send are left out, so these stay `nil` and are not written back.
    public struct Request: Codable, Sendable, Equatable {
        public var prompt: String
        public var aspectRatio: String
        public var expandPrompt: Bool?
        public var loop: Bool?
        /// The client's image URL, or the gateway's URL of its stored copy of a base64 image.
        public var imageURL: String?
        public var imageEndURL: String?
        public var model: String?
        public var resolution: String?
        public var duration: String?

        enum CodingKeys: String, CodingKey {
            case prompt
            case aspectRatio = "aspect_ratio"
            case expandPrompt = "expand_prompt"
            case loop
            case imageURL = "image_url"
            case imageEndURL = "image_end_url"
            case model = "model_name"
            case resolution, duration
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, state, video, request, artifact, thumbnail
        case videoRaw = "video_raw"
        case createdAt = "created_at"
        case lastFrame = "last_frame"
        case failureReason = "failure_reason"
        case prompt, liked
        case estimateWaitSeconds = "estimate_wait_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(state, forKey: .state)
        try container.encode(video, forKey: .video)
        try container.encode(request, forKey: .request)
        try container.encode(artifact, forKey: .artifact)
        try container.encode(thumbnail, forKey: .thumbnail)
        try container.encode(videoRaw, forKey: .videoRaw)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(lastFrame, forKey: .lastFrame)
        try container.encode(failureReason, forKey: .failureReason)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(liked, forKey: .liked)
        try container.encode(estimateWaitSeconds, forKey: .estimateWaitSeconds)
    }

    /// Both faces write times as RFC 3339 with milliseconds; the fallback takes one without.
    static func parseTimestamp(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
