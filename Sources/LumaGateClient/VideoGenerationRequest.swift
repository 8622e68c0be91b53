/// The body of an official-format create (`POST /dream-machine/v1/generations/video`). Fields
/// left `nil` are left out, so the gateway fills in Luma's defaults.
public struct VideoGenerationRequest: Encodable, Sendable, Equatable {
    /// Required unless there are keyframes.
    public var prompt: String?
    /// `ray-2`, `ray-flash-2` or `ray-1-6`.
    public var model: String
    public var aspectRatio: String?
    public var loop: Bool?
    public var keyframes: Keyframe.Pair?
    /// An http(s) URL that receives the Generation object on each state change.
    public var callbackURL: String?
    public var resolution: String?
    public var duration: String?

    public init(
        prompt: String?, model: String = "ray-2", aspectRatio: String? = nil, loop: Bool? = nil,
        keyframes: Keyframe.Pair? = nil, callbackURL: String? = nil, resolution: String? = nil, duration: String? = nil
    ) {
        self.prompt = prompt
        self.model = model
        self.aspectRatio = aspectRatio
        self.loop = loop
        self.keyframes = keyframes
        self.callbackURL = callbackURL
        self.resolution = resolution
        self.duration = duration
    }

    enum CodingKeys: String, CodingKey {
        case prompt, model
        case aspectRatio = "aspect_ratio"
        case loop, keyframes
        case callbackURL = "callback_url"
        case resolution, duration
    }
}
