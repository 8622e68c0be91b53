import Foundation

/// One model a ComfyUI machine makes, as an operator describes it in a file `<model>.json`: the
/// workflow in ComfyUI's API format ("Save (API)"), where each request field goes in it, which
/// node saves the result, and the catalogue keys of `ModelSpec` (ratios, resolutions, durations,
/// prices) saying what it accepts. docs/comfyui.md is the reference.
public struct ComfyUIWorkflow: Sendable {
    /// The request fields a workflow can take, by the names model files use.
    public enum Field: String, Sendable, CaseIterable, Codable, CodingKeyRepresentable {
        case prompt
        case negativePrompt = "negative_prompt"
        case seed
        case width
        case height
        case frames
        case fps
        case startImage = "start_image"
        case endImage = "end_image"

        var isImage: Bool { self == .startImage || self == .endImage }
    }

    /// Where a field goes: `"<node id>.<input name>"`.
    public struct Target: Sendable, Equatable, CustomStringConvertible {
        public var node: String
        public var input: String

        init?(_ text: String) {
            guard let dot = text.lastIndex(of: "."), dot != text.startIndex, text.index(after: dot) != text.endIndex else { return nil }
            node = String(text[..<dot])
            input = String(text[text.index(after: dot)...])
        }

        public var description: String { "\(node).\(input)" }
    }

    /// A workflow in API format: nodes by id, each a class and its inputs (values, or links
    /// `["<node id>", <output index>]` to another node's output).
    public struct Graph: Sendable, Decodable {
        public struct Node: Sendable, Decodable {
            public var classType: String
            public var inputs: [String: JSONValue]

            enum CodingKeys: String, CodingKey {
                case classType = "class_type"
                case inputs
            }
        }

        public var nodes: [String: Node]

        public init(from decoder: any Decoder) throws {
            nodes = try decoder.singleValueContainer().decode([String: Node].self)
        }

        /// The graph as `POST /prompt` takes it.
        var json: JSONValue {
            .object(
                nodes.sorted { $0.key < $1.key }.map { id, node in
                    (
                        id,
                        .object([
                            ("class_type", .string(node.classType)),
                            ("inputs", .object(node.inputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
                        ])
                    )
                })
        }
    }

    public let spec: ModelSpec
    /// The workflow of a request without a start image.
    public let workflow: Graph
    /// The workflow of a request with one, when it differs.
    public let imageWorkflow: Graph?
    /// Where each field goes; a field may go to several inputs (LTX takes the fps twice).
    public let inputs: [Field: [Target]]
    /// The node whose saved video (or image) is the result.
    public let output: String
    /// Frames a second of the video the workflow makes; a duration is this many frames a second.
    public let fps: Double
    /// A frame count is a multiple of this plus one (Wan's 4k+1, LTX's 8k+1); 1 takes any count.
    public let frameMultiple: Int
    /// Both sides of a frame are multiples of this (the model's latent grid).
    public let sizeMultiple: Int
    /// Put in `negative_prompt` when the request has none.
    public let negativePrompt: String?

    private struct Body: Decodable {
        var workflow: Graph
        var imageWorkflow: Graph?
        var inputs: [Field: Targets]?
        var output: String
        var fps: Double?
        var frameMultiple: Int?
        var sizeMultiple: Int?
        var negativePrompt: String?

        enum CodingKeys: String, CodingKey {
            case workflow, inputs, output, fps
            case imageWorkflow = "image_workflow"
            case frameMultiple = "frame_multiple"
            case sizeMultiple = "size_multiple"
            case negativePrompt = "negative_prompt"
        }
    }

    /// The model named `name` from a model file's bytes; throws what is wrong with it, naming the key.
    public init(name: String, data: Data) throws {
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CatalogueError("\(name): a ComfyUI model file is a JSON object")
        }
        if let given = object["name"] as? String, given != name {
            throw CatalogueError("\(name): the file's `name` (\(given)) must be its file name's")
        }
        if let channels = object["channels"] as? [String], channels != [ChannelRecord.Kind.comfyUI.rawValue] {
            throw CatalogueError("\(name): a ComfyUI model is made by comfyui channels only; leave `channels` out")
        }
        object["name"] = name
        object["channels"] = [ChannelRecord.Kind.comfyUI.rawValue]
        object["family"] = object["family"] ?? name
        let normalized = try JSONSerialization.data(withJSONObject: object)
        let body: Body
        var spec: ModelSpec
        do {
            spec = try JSONDecoder().decode(ModelSpec.self, from: normalized)
            body = try JSONDecoder().decode(Body.self, from: normalized)
        } catch let error as DecodingError {
            throw CatalogueError("\(name): \(ModelCatalogue.describe(error))")
        }
        workflow = body.workflow
        imageWorkflow = body.imageWorkflow
        output = body.output
        fps = body.fps ?? 24
        frameMultiple = body.frameMultiple ?? 1
        sizeMultiple = body.sizeMultiple ?? 16
        negativePrompt = body.negativePrompt
        var inputs: [Field: [Target]] = [:]
        for (field, texts) in body.inputs ?? [:] {
            inputs[field] = try texts.values.map { text in
                guard let target = Target(text) else {
                    throw CatalogueError("\(name): input \(field.rawValue) must be \"<node id>.<input name>\", not \(text.debugDescription)")
                }
                return target
            }
        }
        self.inputs = inputs
        // What it does with a start or an end image is what its workflows do with one.
        let uses = { (field: Field) -> ModelSpec.FrameUse in
            let takes = { (graph: Graph) in (inputs[field] ?? []).contains { graph.nodes[$0.node] != nil } }
            return takes(body.workflow) ? .required : (body.imageWorkflow.map(takes) ?? false) ? .optional : .refused
        }
        spec.startFrame = uses(.startImage)
        spec.endFrame = uses(.endImage)
        self.spec = spec
        try check()
    }

    /// Every node a field or the output names exists in the workflow that uses it, and the numbers make sense.
    private func check() throws {
        let name = spec.name
        guard (1...240).contains(fps), (1...64).contains(frameMultiple), (1...512).contains(sizeMultiple) else {
            throw CatalogueError("\(name): fps must be 1 to 240, frame_multiple 1 to 64, size_multiple 1 to 512")
        }
        for graph in graphs where graph.nodes[output] == nil {
            throw CatalogueError("\(name): the output node \(output) is not in its workflow")
        }
        for (field, targets) in inputs where !field.isImage {
            for target in targets {
                for graph in graphs where graph.nodes[target.node] == nil {
                    throw CatalogueError("\(name): input \(field.rawValue) names node \(target.node), which is not in its workflow")
                }
            }
        }
        for field in [Field.startImage, .endImage] {
            for target in inputs[field] ?? [] where !graphs.contains(where: { $0.nodes[target.node] != nil }) {
                throw CatalogueError("\(name): input \(field.rawValue) names node \(target.node), which is in none of its workflows")
            }
        }
    }

    /// The workflows it may run.
    var graphs: [Graph] { [workflow] + (imageWorkflow.map { [$0] } ?? []) }

    /// The workflow for a request with or without a start image, or why the model cannot take it.
    func graph(withStartImage: Bool, withEndImage: Bool) -> Result<Graph, WorkflowRefusal> {
        let graph = withStartImage ? (imageWorkflow ?? workflow) : workflow
        for (field, wanted) in [(Field.startImage, withStartImage), (.endImage, withEndImage)] {
            let takes = (inputs[field] ?? []).contains { graph.nodes[$0.node] != nil }
            if wanted, !takes {
                return .failure(
                    .init(description: "model \(spec.name) does not take \(field == .startImage ? "a start" : "an end") image"))
            }
            if !wanted, takes {
                return .failure(.init(description: "model \(spec.name) needs \(field == .startImage ? "a start" : "an end") image"))
            }
        }
        return .success(graph)
    }

    /// A field's target, or several.
    private struct Targets: Decodable {
        var values: [String]

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let many = try? value.decode([String].self) {
                values = many
            } else {
                values = [try value.decode(String.self)]
            }
        }
    }

    public struct WorkflowRefusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// Frames for `seconds` of video at its fps, on its frame grid (Wan's 121 for 5 s at 24).
    public func frames(forSeconds seconds: Int) -> Int {
        let exact = Double(seconds) * fps
        guard frameMultiple > 1 else { return max(1, Int(exact.rounded())) }
        return max(1, Int((exact / Double(frameMultiple)).rounded())) * frameMultiple + 1
    }

    /// The frame size for `ratio` at a resolution's short side, each side rounded down to its grid.
    public func frameSize(ratio: String, resolution: String) -> (width: Int, height: Int) {
        let exact = AspectRatio.frameSize(ratio: ratio, shortSide: ModelSpec.shortSide(of: resolution))
        let grid = { (side: Int) in max(sizeMultiple, side / sizeMultiple * sizeMultiple) }
        return (grid(exact.width), grid(exact.height))
    }

    /// The API-format prompt for `request` (task `taskID`): the fields written into their
    /// inputs, images by the names ComfyUI gave their uploads.
    func prompt(
        for request: GenerationRequest, resolution: String, seed: Int, startImage: String?, endImage: String?
    ) throws(WorkflowRefusal) -> JSONValue {
        var graph = try graph(withStartImage: startImage != nil, withEndImage: endImage != nil).get()
        let size = frameSize(ratio: request.aspectRatio, resolution: resolution)
        let values: [Field: JSONValue?] = [
            .prompt: .string(request.prompt),
            .negativePrompt: negativePrompt.map(JSONValue.string),
            .seed: .int(seed),
            .width: .int(size.width),
            .height: .int(size.height),
            .frames: .int(frames(forSeconds: request.durationSeconds)),
            .fps: .double(fps),
            .startImage: startImage.map(JSONValue.string),
            .endImage: endImage.map(JSONValue.string),
        ]
        for (field, targets) in inputs {
            guard let value = values[field] ?? nil else { continue }
            for target in targets where graph.nodes[target.node] != nil {
                graph.nodes[target.node]?.inputs[target.input] = value
            }
        }
        return graph.json
    }
}
