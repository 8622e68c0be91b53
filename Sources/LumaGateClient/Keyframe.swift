/// A keyframe of an official-format video: an image, or one of the caller's own completed
/// generations (as `frame0` it is extended, as `frame1` the video leads into it).
public enum Keyframe: Codable, Sendable, Equatable {
    /// An http(s) URL, a `data:image/...;base64,` URI, or an upload's `publicURL`.
    case image(url: String)
    case generation(id: String)

    enum CodingKeys: String, CodingKey {
        case type, url, id
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "image": self = .image(url: try container.decode(String.self, forKey: .url))
        case "generation": self = .generation(id: try container.decode(String.self, forKey: .id))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown keyframe type \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .image(let url):
            try container.encode("image", forKey: .type)
            try container.encode(url, forKey: .url)
        case .generation(let id):
            try container.encode("generation", forKey: .type)
            try container.encode(id, forKey: .id)
        }
    }

    /// `keyframes` of a request: the first and the last frame, either may be left out.
    public struct Pair: Codable, Sendable, Equatable {
        public var frame0: Keyframe?
        public var frame1: Keyframe?

        public init(frame0: Keyframe? = nil, frame1: Keyframe? = nil) {
            self.frame0 = frame0
            self.frame1 = frame1
        }
    }
}
