/// A generation in Luma's official format (`/dream-machine/v1`), as Luma's OpenAPI schema has it.
/// Keys the gateway has no value for are left out, not sent as null; they decode as `nil` and
/// are left out again when encoded.
public struct Generation: Codable, Sendable, Equatable {
    public var id: String
    /// `video` or `image`.
    public var generationType: String?
    public var state: GenerationState
    /// Present only on failed generations.
    public var failureReason: String?
    public var createdAt: String
    /// Empty until the generation is completed.
    public var assets: Assets
    public var model: String?
    /// The request as accepted, defaults filled in. `nil` for a relayed operation whose body does
    /// not fit a video or image request.
    public var request: Request?

    public struct Assets: Codable, Sendable, Equatable {
        public var video: String?
        /// The thumbnail of a video, or the image of an image generation.
        public var image: String?

        public init(video: String? = nil, image: String? = nil) {
            self.video = video
            self.image = image
        }
    }

    public struct Request: Codable, Sendable, Equatable {
        public var generationType: String?
        public var prompt: String?
        public var aspectRatio: String?
        public var loop: Bool?
        public var keyframes: Keyframe.Pair?
        public var callbackURL: String?
        public var model: String?
        public var resolution: String?
        public var duration: String?
        /// Image generations: `jpg` or `png`.
        public var format: String?

        enum CodingKeys: String, CodingKey {
            case generationType = "generation_type"
            case prompt
            case aspectRatio = "aspect_ratio"
            case loop, keyframes
            case callbackURL = "callback_url"
            case model, resolution, duration, format
        }
    }

    enum CodingKeys: String, CodingKey {
        case id
        case generationType = "generation_type"
        case state
        case failureReason = "failure_reason"
        case createdAt = "created_at"
        case assets, model, request
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        generationType = try container.decodeIfPresent(String.self, forKey: .generationType)
        state = try container.decode(GenerationState.self, forKey: .state)
        failureReason = try container.decodeIfPresent(String.self, forKey: .failureReason)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        assets = try container.decodeIfPresent(Assets.self, forKey: .assets) ?? Assets()
        model = try container.decodeIfPresent(String.self, forKey: .model)
        // Relayed operations (upscale, modify, ...) echo whatever body Luma took; one that does
        // not fit must not make the whole generation, or a list holding it, unreadable.
        request = try? container.decodeIfPresent(Request.self, forKey: .request)
    }
}
