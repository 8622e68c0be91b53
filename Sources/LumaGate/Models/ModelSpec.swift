/// One model the gateway makes: what a request for it may ask, which faces take it, which kinds
/// of upstream channel can make it, and its default prices. Written in JSON (`models.json`, and
/// the operator's `--models` file), in the keys below.
public struct ModelSpec: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case video
        case image
    }

    /// The API faces, by the names a catalogue entry uses.
    public enum Face: String, Sendable, Codable, CaseIterable {
        case luma
        case dreamMachine = "dream-machine"
        case agents
        case openAI = "openai"

        /// The faces that take a model of `kind`: the relay format and the OpenAI shape make videos only.
        static func taking(_ kind: Kind) -> [Face] {
            kind == .video ? allCases : [.dreamMachine, .agents]
        }
    }

    /// How the sandbox sizes the frames it draws: Luma's own frame size per aspect ratio (the
    /// Dream Machine models), or the exact ratio at the resolution's short side (and 2048 pixels
    /// on the long side for images).
    public enum Frames: String, Sendable, Codable {
        case luma
        case exact
    }

    /// Whether a video may, must or must not open on a start image (or end on an end image).
    public enum FrameUse: String, Sendable, Codable {
        case optional
        case required
        case refused
    }

    public var name: String
    public var kind: Kind
    /// Models of one family continue each other's videos (an extension, a video leading into another).
    public var family: String
    /// Other names a request may use for it (the relay format's `ray-v2` for `ray-2`); the first
    /// is the name sent to another relay. Built-in models only.
    public var aliases: [String]
    public var faces: [Face]
    /// The kinds of upstream channel that can make it; the sandbox draws every model.
    public var channels: [String]
    public var aspectRatios: [String]
    /// Videos only: what a request may ask for, in the order error messages list them.
    public var resolutions: [String]
    public var durations: [String]
    /// The durations a looping video, and a video from a start or end frame, may have.
    public var loopDurations: [String]
    public var framedDurations: [String]
    /// Videos: credits for 5 seconds at each resolution. Images: credits per image.
    public var prices: [String: Int64]
    public var price: Int64?
    /// Request options beyond the common ones that it understands (`concepts`, `hdr`).
    public var options: [String]
    /// What else it makes from existing media, by `GenerationRequest.Kind` (`video_edit`, `reframe_image`...).
    public var operations: [String]
    public var frames: Frames
    /// How long a generation usually takes at the upstream, for progress estimates.
    public var typicalSeconds: Double
    /// The resolution a request that names none is made and priced at, when it is not the
    /// catalogue's default (the catalogue fills it in for a model without that resolution).
    public var defaultResolution: String?
    /// Videos: what it does with a start and an end image (Luma's models take either or none).
    public var startFrame: FrameUse
    public var endFrame: FrameUse

    enum CodingKeys: String, CodingKey {
        case name, kind, family, aliases, faces, channels, resolutions, durations, prices, price, options, operations, frames
        case aspectRatios = "aspect_ratios"
        case loopDurations = "loop_durations"
        case framedDurations = "framed_durations"
        case typicalSeconds = "typical_seconds"
        case defaultResolution = "default_resolution"
        case startFrame = "start_frame"
        case endFrame = "end_frame"
    }

    /// Every key but `name` may be left out: a video model then takes Luma's aspect ratios, 5 s at
    /// 720p, on every face, is drawn by the sandbox alone and is free.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        name = try values.decode(String.self, forKey: .name)
        kind = try values.decodeIfPresent(Kind.self, forKey: .kind) ?? .video
        family = try values.decodeIfPresent(String.self, forKey: .family) ?? name
        aliases = try values.decodeIfPresent([String].self, forKey: .aliases) ?? []
        faces = try values.decodeIfPresent([Face].self, forKey: .faces) ?? Face.taking(kind)
        channels = try values.decodeIfPresent([String].self, forKey: .channels) ?? []
        aspectRatios = try values.decodeIfPresent([String].self, forKey: .aspectRatios) ?? AspectRatio.allCases.map(\.rawValue)
        resolutions = try values.decodeIfPresent([String].self, forKey: .resolutions) ?? (kind == .video ? ["720p"] : [])
        durations = try values.decodeIfPresent([String].self, forKey: .durations) ?? (kind == .video ? ["5s"] : [])
        loopDurations = try values.decodeIfPresent([String].self, forKey: .loopDurations) ?? durations
        framedDurations = try values.decodeIfPresent([String].self, forKey: .framedDurations) ?? durations
        prices = try values.decodeIfPresent([String: Int64].self, forKey: .prices) ?? [:]
        price = try values.decodeIfPresent(Int64.self, forKey: .price)
        options = try values.decodeIfPresent([String].self, forKey: .options) ?? []
        operations = try values.decodeIfPresent([String].self, forKey: .operations) ?? []
        frames = try values.decodeIfPresent(Frames.self, forKey: .frames) ?? .exact
        typicalSeconds = try values.decodeIfPresent(Double.self, forKey: .typicalSeconds) ?? 60
        defaultResolution = try values.decodeIfPresent(String.self, forKey: .defaultResolution)
        startFrame = try values.decodeIfPresent(FrameUse.self, forKey: .startFrame) ?? .optional
        endFrame = try values.decodeIfPresent(FrameUse.self, forKey: .endFrame) ?? .optional
    }

    public var makesVideo: Bool { kind == .video }

    /// Whether it understands the request option `option` (`concepts`, `hdr`).
    public func understands(_ option: String) -> Bool { options.contains(option) }

    /// Whether it makes `operation` (an edit or reframe of existing media).
    public func makes(_ operation: GenerationRequest.Kind) -> Bool { operations.contains(operation.rawValue) }

    /// Its duration nearest to `seconds`, the longer on a tie, for a face that takes a count of
    /// seconds loosely (OpenAI's `seconds`).
    func nearestDuration(toSeconds seconds: Int) -> String? {
        durations.min { a, b in
            let (da, db) = (abs(Self.seconds(a) - seconds), abs(Self.seconds(b) - seconds))
            return da != db ? da < db : Self.seconds(a) > Self.seconds(b)
        }
    }

    /// A resolution's short side in pixels: "720p" is 720, "4k" is 2160 (720 if unreadable).
    static func shortSide(of resolution: String) -> Int {
        let number = Int(resolution.dropLast()) ?? 0
        switch resolution.last {
        case "p" where number > 0: return number
        case "k" where number > 0: return number * 540
        default: return 720
        }
    }

    /// "9s" → 9.
    static func seconds(_ duration: String) -> Int { Int(duration.dropLast()) ?? 5 }
}
