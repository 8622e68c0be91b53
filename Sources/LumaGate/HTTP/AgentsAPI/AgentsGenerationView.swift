/// Renders a task as the Agents API's Generation object, whichever face made it. Keys without a
/// value are left out, as Luma leaves them out.
struct AgentsGenerationView {
    /// Turns a stored media path (or an upstream's absolute URL) into the JSON to show for it.
    let mediaURL: @Sendable (String) -> JSONValue

    func render(_ task: VideoTask) -> JSONValue {
        let makesImage = task.request.producesImage
        var members: [(String, JSONValue)] = [
            ("id", .string(task.id)),
            ("created_at", .string(RFC3339.timestamp(task.createdAtMillis))),
            ("model", .string(task.request.officialModel ?? ModelCatalogue.builtIn.defaults.video)),
            ("state", .string(Self.state(task.state))),
            ("type", .string(Self.type(of: task.request))),
        ]
        if task.state == .failed {
            let reason = task.failureReason ?? "The generation failed."
            members.append(("failure_code", .string(LumaAgentsMapping.failureCode(of: reason))))
            members.append(("failure_reason", .string(reason)))
        }
        if task.state == .completed, let media = task.media {
            var outputs: [JSONValue] = []
            if makesImage, let image = media.image {
                outputs.append(Self.output("image", mediaURL(image.url), layer: image.layer))
            } else if let video = media.video {
                outputs.append(Self.output("video", mediaURL(video.url)))
            }
            outputs += (media.extras ?? []).map { Self.output($0.type, mediaURL($0.url), layer: $0.layer) }
            if !outputs.isEmpty { members.append(("output", .array(outputs))) }
            if let expired = media.expiredAtMillis { members.append(("media_expired_at", .string(RFC3339.timestamp(expired)))) }
        }
        return .object(members)
    }

    /// The Agents API's type for a task of any face: its own kinds by name, every other image an
    /// image and every other video a video.
    static func type(of request: GenerationRequest) -> String {
        switch request.kind {
        case .imageEdit?, .layering?, .videoEdit?, .videoReframe?: request.kind!.rawValue
        default: request.producesImage ? "image" : "video"
        }
    }

    static func state(_ state: TaskState) -> String {
        switch state {
        case .pending: "queued"
        case .processing: "processing"
        case .completed: "completed"
        case .failed: "failed"
        }
    }

    private static func output(_ type: String, _ url: JSONValue, layer: TaskMedia.Layer? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string(type)), ("url", url)]
        if let layer {
            members.append(
                (
                    "layer",
                    .object([
                        ("index", .int(layer.index)), ("label", .string(layer.label)), ("description", .string(layer.description)),
                        ("alpha_hint", .string(layer.alphaHint)),
                    ])
                ))
        }
        return .object(members)
    }
}
