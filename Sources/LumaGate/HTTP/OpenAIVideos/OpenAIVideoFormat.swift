/// How the OpenAI-shaped face's `model`, `size` and `seconds` map onto what Luma makes. The table
/// is in docs/openai-videos-api.md; change both together.
public enum OpenAIVideoFormat {
    /// The models a request may name (Luma's names; the default when left out is configurable).
    public static let models = ["ray-2", "ray-flash-2", GenerationRequest.agentsVideoModel]

    struct Size: Equatable {
        var aspectRatio: String
        var resolution: String
    }

    /// Every size accepted, "WxH" → aspect ratio and resolution: OpenAI's four, the common
    /// 16:9 and 9:16 frame sizes, and Luma's own frame sizes (as the sandbox renders them).
    static let sizes: [(size: String, format: Size)] = [
        ("720x1280", Size(aspectRatio: "9:16", resolution: "720p")),
        ("1280x720", Size(aspectRatio: "16:9", resolution: "720p")),
        ("1024x1792", Size(aspectRatio: "9:16", resolution: "1080p")),
        ("1792x1024", Size(aspectRatio: "16:9", resolution: "1080p")),
        ("540x960", Size(aspectRatio: "9:16", resolution: "540p")),
        ("960x540", Size(aspectRatio: "16:9", resolution: "540p")),
        ("1080x1920", Size(aspectRatio: "9:16", resolution: "1080p")),
        ("1920x1080", Size(aspectRatio: "16:9", resolution: "1080p")),
    ] + AspectRatio.allCases.map { ratio in
        ("\(ratio.frameSize.width)x\(ratio.frameSize.height)", Size(aspectRatio: ratio.rawValue, resolution: "720p"))
    }

    static let defaultSize = "720x1280"

    static func size(_ value: String?) throws -> Size {
        let value = value ?? defaultSize
        guard let format = sizes.first(where: { $0.size == value })?.format else {
            throw GatewayError.invalidRequest("Field `size` must be one of \(FieldRules.list(sizes.map(\.size))).")
        }
        return format
    }

    /// The ray-2 models make 5 s and 9 s videos: OpenAI's 4 becomes 5, its 8 and 12 become 9 (the
    /// nearest, and the longest there is), Luma's own 5, 9 and 10 are taken as 5, 9 and 9.
    static let seconds: [String: String] = ["4": "5s", "5": "5s", "8": "9s", "9": "9s", "10": "9s", "12": "9s"]
    /// ray-3.2 makes 5 s and 10 s: 4 and 5 become 5, 8 to 12 become 10.
    static let agentsSeconds: [String: String] = ["4": "5s", "5": "5s", "8": "10s", "9": "10s", "10": "10s", "12": "10s"]

    static func duration(_ value: String?, model: String?) throws -> String {
        guard let value else { return "5s" }
        let seconds = model == GenerationRequest.agentsVideoModel ? agentsSeconds : seconds
        guard let duration = seconds[value] else {
            throw GatewayError.invalidRequest("Field `seconds` must be one of \(FieldRules.list(seconds.keys.sorted { Int($0)! < Int($1)! })).")
        }
        return duration
    }

    static func model(_ value: String?, default defaultModel: String) throws -> String {
        let model = value ?? defaultModel
        guard models.contains(model) else {
            throw GatewayError.invalidRequest("Field `model` must be one of \(FieldRules.list(models)); this gateway makes its videos with Luma's models.")
        }
        return model
    }
}
