import Foundation

/// What a task costs in credits (one credit is one US cent, like Luma's `credit_balance`). Videos
/// are priced per model and resolution for 5 seconds and scale with their duration (9 s costs
/// 9/5 of it, rounded up; ray-3.2's 10 s is two 5 s blocks); images per model; the operations relayed to Luma per operation. The
/// defaults follow Luma's API prices; an operator overrides any of them with a JSON file of the
/// same shape (`--prices`).
public struct Pricing: Sendable, Equatable {
    /// model → resolution → credits for 5 seconds.
    public var video: [String: [String: Int64]]
    /// model → credits per image.
    public var image: [String: Int64]
    /// operation (`upscale_video`, `add_audio`, `modify_video`, `reframe_video`, `reframe_image`) → credits.
    public var operations: [String: Int64]
    /// The resolution a video is priced at when its request names none.
    public var defaultResolution: String

    public static let defaults = Pricing(
        video: [
            "ray-2": ["540p": 40, "720p": 71, "1080p": 160, "4k": 640],
            "ray-flash-2": ["540p": 14, "720p": 24, "1080p": 54, "4k": 216],
            "ray-1-6": ["540p": 50, "720p": 50, "1080p": 50, "4k": 50],
            // The Agents API's standard-dynamic-range prices per 5 s block; 10 s is two blocks.
            "ray-3.2": ["360p": 6, "540p": 15, "720p": 30, "1080p": 120],
        ],
        image: ["photon-1": 2, "photon-flash-1": 1, "uni-1": 5, "uni-1-max": 10],
        operations: ["upscale_video": 30, "add_audio": 10, "modify_video": 71, "reframe_video": 71, "reframe_image": 2],
        defaultResolution: "720p")

    /// The defaults with the entries of the JSON file at `path` laid over them.
    public static func load(overridesAt path: String) throws -> Pricing {
        struct Overrides: Decodable {
            var video: [String: [String: Int64]]?
            var image: [String: Int64]?
            var operations: [String: Int64]?
            var defaultResolution: String?
        }
        let overrides = try JSONDecoder().decode(Overrides.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        var pricing = defaults
        for (model, prices) in overrides.video ?? [:] { pricing.video[model, default: [:]].merge(prices) { $1 } }
        pricing.image.merge(overrides.image ?? [:]) { $1 }
        pricing.operations.merge(overrides.operations ?? [:]) { $1 }
        pricing.defaultResolution = overrides.defaultResolution ?? pricing.defaultResolution
        return pricing
    }

    /// The price of `request`; a model or resolution without a price costs nothing.
    public func price(of request: GenerationRequest) -> Int64 {
        let model = request.officialModel ?? ""
        switch request.kind ?? .video {
        case .video, .videoEdit, .videoReframe:
            guard let fiveSeconds = video[model]?[request.resolution ?? defaultResolution] else { return 0 }
            let seconds = Int64(request.durationSeconds)
            return (fiveSeconds * seconds + 4) / 5
        case .image, .imageEdit:
            return image[model] ?? 0
        case let operation:
            return operations[operation.rawValue] ?? 0
        }
    }
}
