/// What a finished task produced: a video with its frames, or an image. Sizes and duration are
/// read from the files themselves.
public struct TaskMedia: Sendable, Codable, Equatable {
    public struct Video: Sendable, Codable, Equatable {
        public var url: String
        public var downloadURL: String
        public var width: Int?
        public var height: Int?
        public var duration: Double?
    }

    public struct Image: Sendable, Codable, Equatable {
        public var url: String
        public var width: Int?
        public var height: Int?
        /// Base64 of a 5×5 RGB grid (75 bytes), or nil when it could not be computed.
        public var paletteGrid: String?
        /// The first layer of a layering.
        public var layer: Layer?
    }

    /// What one image of a layering holds, as the Agents API describes it.
    public struct Layer: Sendable, Codable, Equatable {
        /// Front to back; the last is the background.
        public var index: Int
        /// One or two words.
        public var label: String
        public var description: String
        /// The edge of its transparency: `soft`, `hard`, or `none` (the opaque background).
        public var alphaHint: String
    }

    /// A file an upstream made alongside the main output (the Agents API's EXR export), kept as
    /// it came.
    public struct Extra: Sendable, Codable, Equatable {
        /// The upstream's name for it, such as `exr`.
        public var type: String
        public var url: String
        public var bytes: Int
        /// Each layer of a layering after the first.
        public var layer: Layer?
    }

    /// Set for every finished video task; nil for an image generation.
    public var video: Video?
    public var thumbnail: Image?
    public var lastFrame: Image?
    /// An image generation's picture.
    public var image: Image?
    public var extras: [Extra]?
    /// When the artifacts were produced (milliseconds since 1970).
    public var createdAtMillis: Int64
    /// When the gateway deleted the files, after its media retention; every URL above is gone.
    public var expiredAtMillis: Int64?

    public init(video: Video?, thumbnail: Image? = nil, lastFrame: Image? = nil, image: Image? = nil, createdAtMillis: Int64) {
        self.video = video
        self.thumbnail = thumbnail
        self.lastFrame = lastFrame
        self.image = image
        self.createdAtMillis = createdAtMillis
    }

    /// What a task shows once its files are deleted: when they were made and when they went.
    public func expired(at millis: Int64) -> TaskMedia {
        var expired = TaskMedia(video: nil, createdAtMillis: createdAtMillis)
        expired.expiredAtMillis = millis
        return expired
    }

    /// The stored media paths of these artifacts (upstream URLs are not the gateway's to delete).
    public var storedPaths: [String] {
        ([video?.url, video?.downloadURL, thumbnail?.url, lastFrame?.url, image?.url].compactMap { $0 } + (extras ?? []).map(\.url))
            .filter { !MediaStore.isURL($0) }
    }
}
