import Foundation

/// Every model the gateway makes, in one place: the built-in ones (`models.json`, Luma's models,
/// and the ComfyUI templates) and any an operator adds or changes at start with a file of the
/// same shape (`--models`) or a ComfyUI model file (`--comfyui-models`).
/// Pricing, every face's validation, routing and the sandbox read it; no other file names a model.
public struct ModelCatalogue: Sendable, Equatable {
    public struct Defaults: Sendable, Codable, Equatable {
        /// The model of a video or an image request that names none.
        public var video: String
        public var image: String
        /// The resolution of a video request that names none, where its model makes it.
        public var resolution: String
    }

    public private(set) var models: [ModelSpec]
    public let defaults: Defaults
    private var byName: [String: Int]

    private struct File: Decodable {
        var defaults: Defaults?
        var models: [ModelSpec]
    }

    /// The models the gateway ships: Luma's (`models.json`) and its ComfyUI templates.
    public static let builtIn: ModelCatalogue = {
        do {
            let file = try JSONDecoder().decode(File.self, from: Data(PackageResources.models_json))
            guard let defaults = file.defaults else { preconditionFailure("models.json names no defaults") }
            return try ModelCatalogue(models: file.models + ComfyUIModels.builtIn.specs, defaults: defaults)
        } catch {
            preconditionFailure("models.json is not a catalogue: \(error)")
        }
    }()

    init(models: [ModelSpec], defaults: Defaults) throws {
        self.models = []
        self.defaults = defaults
        byName = [:]
        for model in models { try add(model) }
        try checkDefaults()
    }

    private func checkDefaults() throws {
        for (name, kind) in [(defaults.video, ModelSpec.Kind.video), (defaults.image, .image)] where spec(named: name)?.kind != kind {
            throw CatalogueError("the default \(kind.rawValue) model \(name) must stay a \(kind.rawValue) model")
        }
    }

    /// This catalogue with the models of the JSON file at `path` (`{"models": [...]}`) added; an
    /// entry with a model's name replaces that model.
    public func adding(fileAt path: String) throws -> ModelCatalogue {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as DecodingError {
            throw CatalogueError("\(path) is not a model file: \(Self.describe(error))")
        }
        guard file.defaults == nil else { throw CatalogueError("\(path): `defaults` are the built-in catalogue's; leave them out") }
        var catalogue = self
        for model in file.models {
            guard model.aliases.isEmpty || Self.builtIn.spec(named: model.name) != nil else {
                throw CatalogueError("model \(model.name): `aliases` are for the built-in models")
            }
            try catalogue.add(model)
        }
        try catalogue.checkDefaults()
        return catalogue
    }

    /// This catalogue with `models` added (ComfyUI's, whose entries come from their templates).
    public func adding(_ models: [ModelSpec]) throws -> ModelCatalogue {
        var catalogue = self
        for model in models { try catalogue.add(model) }
        try catalogue.checkDefaults()
        return catalogue
    }

    private mutating func add(_ model: ModelSpec) throws {
        try Self.check(model)
        var model = model
        if model.makesVideo, model.defaultResolution == nil, !model.resolutions.contains(defaults.resolution) {
            model.defaultResolution = model.resolutions[0]
        }
        if let index = byName[model.name] {
            models[index] = model
        } else {
            models.append(model)
        }
        byName = [:]
        for (index, model) in models.enumerated() {
            for name in [model.name] + model.aliases {
                guard byName.updateValue(index, forKey: name) == nil else { throw CatalogueError("the name \(name) is used twice") }
            }
        }
    }

    private static func check(_ model: ModelSpec) throws {
        let name = model.name
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-._".contains($0) }) else {
            throw CatalogueError("a model name must be 1 to 64 letters, digits, '-', '.' or '_': \(name.debugDescription)")
        }
        if model.makesVideo {
            guard !model.resolutions.isEmpty, !model.durations.isEmpty else {
                throw CatalogueError("video model \(name) needs at least one resolution and one duration")
            }
            for duration in model.durations + model.loopDurations + model.framedDurations
            where !duration.hasSuffix("s") || !(1...60).contains(Int(duration.dropLast()) ?? 0) {
                throw CatalogueError("model \(name): duration \(duration.debugDescription) must be whole seconds from 1s to 60s")
            }
        }
        for ratio in model.aspectRatios where ratio.split(separator: ":").compactMap({ Int($0) }).filter({ $0 > 0 }).count != 2 {
            throw CatalogueError("model \(name): aspect ratio \(ratio.debugDescription) must be W:H")
        }
        let kinds = ChannelKinds.all.map(\.name.rawValue)
        if let unknown = model.channels.first(where: { !kinds.contains($0) }) {
            throw CatalogueError("model \(name): channel kind \(unknown.debugDescription) is not one of \(kinds.joined(separator: ", "))")
        }
        if let negative = (Array(model.prices.values) + [model.price ?? 0]).first(where: { $0 < 0 }) {
            throw CatalogueError("model \(name): price \(negative) is negative")
        }
    }

    /// The model named `name` (or one of its aliases).
    public func spec(named name: String?) -> ModelSpec? {
        name.flatMap { byName[$0] }.map { models[$0] }
    }

    /// The model `request` is for: its named model, or the default of its kind.
    public func spec(for request: GenerationRequest) -> ModelSpec? {
        spec(named: request.officialModel)
    }

    /// The names `face` takes for models of `kind`, in catalogue order; with `aliases`, every
    /// alias first (the relay format lists its own names before the official ones).
    public func names(on face: ModelSpec.Face, kind: ModelSpec.Kind, aliases: Bool = false) -> [String] {
        let taken = models.filter { $0.kind == kind && $0.faces.contains(face) }
        return (aliases ? taken.flatMap(\.aliases) : []) + taken.map(\.name)
    }

    /// The models that make `operation` (an edit or reframe), in catalogue order.
    public func names(making operation: GenerationRequest.Kind) -> [String] {
        models.filter { $0.makes(operation) }.map(\.name)
    }

    /// Whether a channel of kind `channelKind` may make `request`'s model. A request naming no
    /// model (an operation like upscale) is the channel's to judge.
    public func allows(_ request: GenerationRequest, on channelKind: String) -> Bool {
        guard let model = request.officialModel else { return true }
        return spec(named: model)?.channels.contains(channelKind) ?? false
    }

    /// The resolution `request` is made at: the one it names, or its model's default.
    public func resolution(of request: GenerationRequest) -> String {
        request.resolution ?? spec(for: request)?.defaultResolution ?? defaults.resolution
    }

    /// The official name of `name`: the model an alias stands for, or `name` itself.
    public func officialName(_ name: String) -> String {
        spec(named: name)?.name ?? name
    }

    /// The first alias of a model, the name another relay takes for it.
    public func relayName(_ name: String) -> String {
        spec(named: name)?.aliases.first ?? name
    }

    static func describe(_ error: DecodingError) -> String {
        let path = { (keys: [any CodingKey]) in keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        return switch error {
        case .keyNotFound(let key, let context): "`\(path(context.codingPath + [key]))` is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "`\(path(context.codingPath))`: \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}
