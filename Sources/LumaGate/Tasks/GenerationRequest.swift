/// One validated request for a generation, whichever face it came through. Images are the
/// gateway's own stored copies, never the client's base64.
public struct GenerationRequest: Sendable, Codable, Equatable {
    /// What is generated. The relay format knows videos only; the official format adds images,
    /// and operations on existing media that only Luma can do, relayed to it as the client sent them.
    public enum Kind: String, Sendable, Codable {
        case video
        case image
        case upscaleVideo = "upscale_video"
        case addAudio = "add_audio"
        case modifyVideo = "modify_video"
        case reframeVideo = "reframe_video"
        case reframeImage = "reframe_image"
        /// The Agents API's edit of an image (`image`, the source) as the prompt says.
        case imageEdit = "image_edit"
        /// The Agents API's changed copy of a video (`remixedFrom`, the source) as the prompt says,
        /// and the source placed on a new canvas.
        case videoEdit = "video_edit"
        case videoReframe = "video_reframe"

        /// The Agents API's split of an image (`image`, the source) into layers, front to back.
        case layering

        public var producesImage: Bool { [.image, .reframeImage, .imageEdit, .layering].contains(self) }

        /// Operations the gateway cannot render itself: only an upstream does them.
        public var isRelayedOperation: Bool { ![.video, .image, .imageEdit, .videoEdit, .videoReframe, .layering].contains(self) }
    }

    public var prompt: String
    public var aspectRatio: String
    public var expandPrompt: Bool?
    public var loop: Bool?
    /// The first frame (`image_url`, or keyframe frame0 of type image).
    public var image: ImageReference?
    /// The last frame (`image_end_url`, or keyframe frame1 of type image).
    public var imageEnd: ImageReference?
    /// The relay format's client webhook: gets the relay-format task object.
    public var notifyHook: String?
    public var model: String?
    public var resolution: String?
    public var duration: String?
    /// nil for a video, the only kind the relay format knows.
    public var kind: Kind?
    /// The official format's client webhook: gets the official Generation object.
    public var callbackURL: String?
    public var concepts: [String]?
    /// Keyframe frame1 of type generation: the id of another of the owner's tasks this video
    /// leads into. (frame0 of type generation is the task's parent.)
    public var endGenerationID: String?
    /// Image generations: "jpg" or "png".
    public var imageFormat: String?
    /// The format of an image whose request names none, as Luma's.
    public static let defaultImageFormat = "jpg"
    /// A relayed operation's body (JSON) as accepted from the client. Upscale and audio act on
    /// the task's parent.
    public var relayedBody: String?
    /// A remix or an edit (the OpenAI-shaped face): the id of the owner's video this one is a
    /// changed copy of. It opens on that video's first frame, on its channel.
    public var remixedFrom: String?
    /// ray-3.2 through the Agents API: a high-dynamic-range video, and an EXR beside it.
    public var hdr: Bool?
    public var exrExport: Bool?
    /// A video reframe: where the source goes on the new canvas (`x, y, width, height`, as
    /// fractions of the canvas); nil lets the upstream centre it.
    public var sourcePosition: [Double]?
    /// A video edit: how far it may stray from the source (`adhere_1` ... `reimagine_3`), and
    /// whether the upstream derives its controls from the source.
    public var editStrength: String?
    public var autoControls: Bool?
    /// ray-3.2 guide frames, each pinned to an output frame (24 a second), in the client's order;
    /// for a video edit, to a frame of the source.
    public var keyframes: [Keyframe]?
    /// A video edit's manual conditioning (`video.edit.controls`), as validated.
    public var editControls: EditControls?
    /// uni-1 images through the Agents API: guidance images (`image_ref`) in the client's order,
    /// and whether the upstream may search the web for more (`web_search`).
    public var references: [ImageReference]?
    public var webSearch: Bool?
    /// A uni-1 style preset (`auto`, `manga`).
    public var style: String?
    /// A video_edit's or video_reframe's source sent by the client (not one of its generations):
    /// the gateway's MP4 copy.
    public var sourceVideo: String?
    /// A layering (`kind` .layering): the layers' resolution, `1k` or `2k`.
    public var layerResolution: String?
    /// A task made through AceDataCloud's or PiAPI's dialect: its body as sent, its webhook.
    public var origin: DialectOrigin?

    public struct Keyframe: Sendable, Codable, Equatable {
        public var image: ImageReference
        public var index: Int
    }

    public init(
        prompt: String, aspectRatio: String = AspectRatio.wide.rawValue, expandPrompt: Bool? = nil,
        loop: Bool? = nil, image: ImageReference? = nil, imageEnd: ImageReference? = nil,
        notifyHook: String? = nil, model: String? = nil, resolution: String? = nil, duration: String? = nil,
        kind: Kind? = nil, callbackURL: String? = nil, concepts: [String]? = nil, endGenerationID: String? = nil,
        imageFormat: String? = nil, relayedBody: String? = nil, remixedFrom: String? = nil, hdr: Bool? = nil, exrExport: Bool? = nil
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
        self.kind = kind
        self.callbackURL = callbackURL
        self.concepts = concepts
        self.endGenerationID = endGenerationID
        self.imageFormat = imageFormat
        self.relayedBody = relayedBody
        self.remixedFrom = remixedFrom
        self.hdr = hdr
        self.exrExport = exrExport
    }

    /// Seconds of video asked for ("9s" is 9); Luma's default is 5.
    public var durationSeconds: Int {
        duration.map(ModelSpec.seconds) ?? 5
    }

    /// What the generation produces is a picture, not a video.
    public var producesImage: Bool { kind?.producesImage ?? false }

    /// The media paths of the task's own copies of the images it was made from.
    public var storedImagePaths: [String] {
        [image, imageEnd].compactMap { $0?.storedPath } + (keyframes ?? []).map(\.image.storedPath) + (references ?? []).map(\.storedPath)
    }

    /// The media paths of every copy the task keeps of what it was made from.
    public var storedInputPaths: [String] { storedImagePaths + [sourceVideo].compactMap { $0 } }

    /// The official name of the model (an alias such as the relay format's translated), with
    /// the catalogue's default filled in; nil for an operation that names none (upscale, audio).
    /// Aliases and defaults are the built-in catalogue's, so a stored request reads the same
    /// whatever models an operator adds.
    public var officialModel: String? {
        if let model { return ModelCatalogue.builtIn.officialName(model) }
        switch kind ?? .video {
        case .video: return ModelCatalogue.builtIn.defaults.video
        case .image: return ModelCatalogue.builtIn.defaults.image
        default: return nil
        }
    }
}
