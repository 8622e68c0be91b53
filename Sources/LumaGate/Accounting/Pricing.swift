import Foundation

/// What a task costs in credits (one credit is one US cent, like Luma's `credit_balance`). Videos
/// are priced per model and resolution for 5 seconds and scale with their duration (9 s costs
/// 9/5 of it, rounded up; a 10 s video is two 5 s blocks); images per model; the operations
/// relayed to Luma per operation. The models' defaults are the catalogue's (Luma's API prices);
/// an operator overrides any of them with a JSON file of the same shape (`--prices`).
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
        video: [:], image: [:],
        operations: ["upscale_video": 30, "add_audio": 10, "modify_video": 71, "reframe_video": 71, "reframe_image": 2],
        defaultResolution: ModelCatalogue.builtIn.defaults.resolution
    ).filled(from: .builtIn)

    /// These prices with the catalogue's for every model they do not price yet.
    public func filled(from models: ModelCatalogue) -> Pricing {
        var pricing = self
        for model in models.models {
            if model.makesVideo {
                pricing.video[model.name] = model.prices.merging(video[model.name] ?? [:]) { $1 }
            } else if image[model.name] == nil, let price = model.price {
                pricing.image[model.name] = price
            }
        }
        return pricing
    }

    /// `base` (the defaults) with the entries of the JSON file at `path` laid over them.
    public static func load(overridesAt path: String, over base: Pricing = .defaults) throws -> Pricing {
        struct Overrides: Decodable {
            var video: [String: [String: Int64]]?
            var image: [String: Int64]?
            var operations: [String: Int64]?
            var defaultResolution: String?
        }
        let overrides = try JSONDecoder().decode(Overrides.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        var pricing = base
        for (model, prices) in overrides.video ?? [:] { pricing.video[model, default: [:]].merge(prices) { $1 } }
        pricing.image.merge(overrides.image ?? [:]) { $1 }
        pricing.operations.merge(overrides.operations ?? [:]) { $1 }
        pricing.defaultResolution = overrides.defaultResolution ?? pricing.defaultResolution
        return pricing
    }

    /// The price of `request`; a model or resolution without a price costs nothing.
    /// `modelResolution` is the model's own default resolution, when it has one.
    public func price(of request: GenerationRequest, modelResolution: String? = nil) -> Int64 {
        let model = request.officialModel ?? ""
        switch request.kind ?? .video {
        case .video, .videoEdit, .videoReframe:
            guard let fiveSeconds = video[model]?[request.resolution ?? modelResolution ?? defaultResolution] else { return 0 }
            let seconds = Int64(request.durationSeconds)
            return (fiveSeconds * seconds + 4) / 5
        case .image, .imageEdit:
            return image[model] ?? 0
        case .layering:
            // Luma prices 2k layers higher; the gateway, not knowing how many layers an image
            // splits into, charges its image price once, twice at 2k.
            return (image[model] ?? 0) * (request.layerResolution == "2k" ? 2 : 1)
        case let operation:
            return operations[operation.rawValue] ?? 0
        }
    }
}
