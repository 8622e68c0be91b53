/// The body of a relay-format submit (`POST /luma/generations`). Only `prompt` is required;
/// whatever is left `nil` is left out of the JSON, so the gateway applies its own defaults.
public struct LumaSubmission: Encodable, Sendable, Equatable {
    public var prompt: String
    /// `1:1 16:9 9:16 4:3 3:4 21:9 9:21`; the gateway's default is `16:9`.
    public var aspectRatio: String?
    public var expandPrompt: Bool?
    public var loop: Bool?
    /// First frame: an http(s) URL, a `data:image/...;base64,` URI, or an upload's `publicURL`.
    public var imageURL: String?
    /// Last frame, as `imageURL`.
    public var imageEndURL: String?
    /// An http(s) URL that receives the task object on each state change.
    public var notifyHook: String?
    /// `ray-v1`, `ray-v2`, `ray-flash-v2` (or the official `ray-1-6`, `ray-2`, `ray-flash-2`).
    public var model: String?
    /// `540p 720p 1080p 4k`.
    public var resolution: String?
    /// `5s` or `9s`.
    public var duration: String?

    public init(
        prompt: String, aspectRatio: String? = nil, expandPrompt: Bool? = nil, loop: Bool? = nil,
        imageURL: String? = nil, imageEndURL: String? = nil, notifyHook: String? = nil,
        model: String? = nil, resolution: String? = nil, duration: String? = nil
    ) {
        self.prompt = prompt
        self.aspectRatio = aspectRatio
        self.expandPrompt = expandPrompt
        self.loop = loop
        self.imageURL = imageURL
        self.imageEndURL = imageEndURL
        self.notifyHook = notifyHook
        self.model = model
        self.resolution = resolution
        self.duration = duration
    }

    enum CodingKeys: String, CodingKey {
        case prompt = "user_prompt"
        case aspectRatio = "aspect_ratio"
        case expandPrompt = "expand_prompt"
        case loop
        case imageURL = "image_url"
        case imageEndURL = "image_end_url"
        case notifyHook = "notify_hook"
        case model = "model_name"
        case resolution
        case duration
    }
}
