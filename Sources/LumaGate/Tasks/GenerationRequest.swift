/// One validated request for a video, whichever face it came through. Images are the gateway's
/// own stored copies, never the client's base64.
public struct GenerationRequest: Sendable, Codable, Equatable {
    public var prompt: String
    public var aspectRatio: String
    public var expandPrompt: Bool?
    public var loop: Bool?
    public var image: ImageReference?
    public var imageEnd: ImageReference?
    public var notifyHook: String?
    public var model: String?
    public var resolution: String?
    public var duration: String?

    public init(
        prompt: String, aspectRatio: String = AspectRatio.wide.rawValue, expandPrompt: Bool? = nil,
        loop: Bool? = nil, image: ImageReference? = nil, imageEnd: ImageReference? = nil,
        notifyHook: String? = nil, model: String? = nil, resolution: String? = nil, duration: String? = nil
    ) {
        self.prompt = prompt
        self.aspectRatio = aspectRatio
        self.expandPrompt = expandPrompt
        self.loop = loop
        self.image = image
        self.imageEnd = imageEnd
        self.notifyHook = notifyHook
        self.model = model
        self.resolution = resolution
        self.duration = duration
    }

    /// Seconds of video asked for; Luma's default is 5.
    public var durationSeconds: Int { duration == "9s" ? 9 : 5 }
}
