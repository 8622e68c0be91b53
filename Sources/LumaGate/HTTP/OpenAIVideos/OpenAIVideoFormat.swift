/// How the OpenAI-shaped face's `model`, `size` and `seconds` map onto what Luma makes. The table
/// is in docs/openai-videos-api.md; change both together.
public enum OpenAIVideoFormat {
    struct Size: Equatable {
        var aspectRatio: String
        var resolution: String
    }

    /// Every size accepted, "WxH" → aspect ratio and resolution: OpenAI's four, the common
    /// 16:9 and 9:16 frame sizes, and Luma's own frame sizes (as the sandbox renders them).
    static let sizes: [(size: String, format: Size)] =
        [
            ("720x1280", Size(aspectRatio: "9:16", resolution: "720p")),
            ("1280x720", Size(aspectRatio: "16:9", resolution: "720p")),
            ("1024x1792", Size(aspectRatio: "9:16", resolution: "1080p")),
            ("1792x1024", Size(aspectRatio: "16:9", resolution: "1080p")),
            ("540x960", Size(aspectRatio: "9:16", resolution: "540p")),
            ("960x540", Size(aspectRatio: "16:9", resolution: "540p")),
            ("1080x1920", Size(aspectRatio: "9:16", resolution: "1080p")),
            ("1920x1080", Size(aspectRatio: "16:9", resolution: "1080p")),
        ]
        + AspectRatio.allCases.map { ratio in
            ("\(ratio.frameSize.width)x\(ratio.frameSize.height)", Size(aspectRatio: ratio.rawValue, resolution: "720p"))
        }

    static let defaultSize = "720x1280"

    /// The size's aspect ratio and resolution: one of the table's, or any "WxH" whose short side is
    /// one of `model`'s resolutions and whose ratio is one of its ratios (a ComfyUI model's 426x240).
    static func size(_ value: String?, for model: ModelSpec) throws -> Size {
        let value = value ?? defaultSize
        if let format = sizes.first(where: { $0.size == value })?.format { return format }
        let sides = value.split(separator: "x").compactMap { Int($0) }
        if sides.count == 2, sides.allSatisfy({ (1...8192).contains($0) }) {
            let ratio = Double(sides[0]) / Double(sides[1])
            let resolution = model.resolutions.first { ModelSpec.shortSide(of: $0) == sides.min() }
            let aspect = model.aspectRatios.first { candidate in
                let (wide, high) = AspectRatio.sides(of: candidate)
                return abs(wide / high / ratio - 1) < 0.02
            }
            if let resolution, let aspect { return Size(aspectRatio: aspect, resolution: resolution) }
        }
        throw GatewayError.invalidRequest(
            "Field `size` must be one of \(FieldRules.list(sizes.map(\.size))), or WxH at one of \(model.name)'s resolutions (\(model.resolutions.joined(separator: ", "))) and ratios."
        )
    }

    /// The `seconds` taken: OpenAI's 4, 8 and 12 and Luma's 5, 9 and 10, each made as the model's
    /// nearest duration (ray-2's 5 s and 9 s: 4 is 5, 8 and 12 are 9; ray-3.2's 5 s and 10 s: 8 to 12 are 10).
    static let seconds = ["4", "5", "8", "9", "10", "12"]

    static func duration(_ value: String?, model: ModelSpec) throws -> String {
        guard let value else { return model.nearestDuration(toSeconds: 5)! }
        guard seconds.contains(value), let duration = model.nearestDuration(toSeconds: Int(value)!) else {
            throw GatewayError.invalidRequest("Field `seconds` must be one of \(FieldRules.list(seconds)).")
        }
        return duration
    }

    /// The model a request names, or the gateway's default for this face.
    static func model(_ value: String?, default defaultModel: String, in models: ModelCatalogue) throws -> ModelSpec {
        let names = models.names(on: .openAI, kind: .video)
        guard let spec = models.spec(named: value ?? defaultModel), names.contains(spec.name), value.map(names.contains) ?? true else {
            throw GatewayError.invalidRequest(
                "Field `model` must be one of \(FieldRules.list(names)); this gateway makes its videos with these models.")
        }
        return spec
    }

    /// The size's aspect ratio and resolution, which `model` must make.
    static func check(_ size: Size, for model: ModelSpec) throws {
        if !model.aspectRatios.contains(size.aspectRatio) {
            throw GatewayError.invalidRequest(
                "Field `size` must have one of the aspect ratios \(FieldRules.list(model.aspectRatios)) for model \(model.name).")
        }
        if !model.resolutions.contains(size.resolution) {
            throw GatewayError.invalidRequest("Field `size` must be a size at \(FieldRules.list(model.resolutions)) for model \(model.name).")
        }
    }
}
