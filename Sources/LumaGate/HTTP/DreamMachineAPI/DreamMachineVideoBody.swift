import Foundation

/// The official create-video body (`POST /dream-machine/v1/generations[/video]`). Every field is
/// optional at decoding so that a missing one gets our own message; `validated` applies the
/// official rules. Fields the official API does not know are ignored, as it ignores them.
struct DreamMachineVideoBody: Decodable {
    struct Keyframe: Decodable {
        var type: String?
        var url: String?
        var id: String?
    }

    struct Keyframes: Decodable {
        var frame0: Keyframe?
        var frame1: Keyframe?
    }

    struct Concept: Decodable {
        var key: String?
    }

    var generation_type: String?
    var prompt: String?
    var aspect_ratio: String?
    var loop: Bool?
    var keyframes: Keyframes?
    var callback_url: String?
    var model: String?
    var resolution: String?
    var duration: String?
    var concepts: [Concept]?

    /// A valid request, and the keyframe generations it names (still to be looked up).
    struct Validated {
        var request: GenerationRequest
        var images: TaskService.ImageSources
        var startGenerationID: String?
        var endGenerationID: String?
    }

    func validated(models: ModelCatalogue) throws -> Validated {
        try FieldRules.check("generation_type", generation_type, in: ["video"])
        try FieldRules.require("model", model, in: models.names(on: .dreamMachine, kind: .video))
        let spec = models.spec(named: model)!
        let aspectRatio = try FieldRules.aspectRatio("aspect_ratio", aspect_ratio)
        try FieldRules.webhookURL("callback_url", callback_url)

        var images = TaskService.ImageSources(firstField: "keyframes.frame0.url", lastField: "keyframes.frame1.url")
        var startID: String?
        var endID: String?
        for (name, keyframe) in [("frame0", keyframes?.frame0), ("frame1", keyframes?.frame1)] {
            guard let keyframe else { continue }
            switch try Self.reference(keyframe, field: "keyframes.\(name)") {
            case .image(let url): if name == "frame0" { images.first = url } else { images.last = url }
            case .generation(let id): if name == "frame0" { startID = id } else { endID = id }
            }
        }
        if startID != nil, startID == endID {
            throw GatewayError.invalidRequest(
                "Fields `keyframes.frame0.id` and `keyframes.frame1.id` name the same generation; use two different ones.")
        }

        let prompt = (prompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let hasKeyframe = images.first != nil || images.last != nil || startID != nil || endID != nil
        guard !prompt.isEmpty || hasKeyframe else {
            throw GatewayError.invalidRequest("Field `prompt` is required when there are no keyframes.")
        }
        try FieldRules.promptLength("prompt", prompt)
        try FieldRules.videoOptions(
            spec, duration: duration, resolution: resolution,
            aspectRatio: aspectRatio, loop: loop, framesField: hasKeyframe ? "keyframes" : nil)

        var conceptKeys: [String]?
        if let concepts {
            conceptKeys = try concepts.enumerated().map { index, concept in
                guard let key = concept.key else { throw GatewayError.invalidRequest("Field `concepts[\(index)].key` is required.") }
                try FieldRules.check("concepts[\(index)].key", key, in: DreamMachineCatalog.concepts)
                return key
            }
            if !spec.understands("concepts"), !concepts.isEmpty {
                let takers = models.models.filter { $0.understands("concepts") }.map(\.name)
                throw GatewayError.invalidRequest(
                    "Field `concepts` is for the models \(FieldRules.list(takers)); \(spec.name) takes its camera moves from the prompt.")
            }
        }
        let request = GenerationRequest(
            prompt: prompt, aspectRatio: aspectRatio, loop: loop, model: model, resolution: resolution, duration: duration,
            callbackURL: callback_url, concepts: conceptKeys)
        return Validated(request: request, images: images, startGenerationID: startID, endGenerationID: endID)
    }

    private enum Reference {
        case image(String)
        case generation(String)
    }

    private static func reference(_ keyframe: Keyframe, field: String) throws -> Reference {
        switch keyframe.type {
        case "image":
            guard let url = keyframe.url, !url.isEmpty else {
                throw GatewayError.invalidRequest("Field `\(field).url` is required for a keyframe of type image.")
            }
            return .image(url)
        case "generation":
            guard let id = keyframe.id, !id.isEmpty else {
                throw GatewayError.invalidRequest("Field `\(field).id` is required for a keyframe of type generation.")
            }
            guard UUID(uuidString: id) != nil else {
                throw GatewayError.invalidRequest("Field `\(field).id` must be a generation id (a UUID).")
            }
            return .generation(id.lowercased())
        case nil:
            throw GatewayError.invalidRequest("Field `\(field).type` is required: \"image\" or \"generation\".")
        default:
            throw GatewayError.invalidRequest("Field `\(field).type` must be one of \"image\", \"generation\".")
        }
    }
}
