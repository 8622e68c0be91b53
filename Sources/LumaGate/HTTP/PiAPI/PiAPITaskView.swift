import Foundation

/// Renders a task as PiAPI's unified task `data` object, for its `luma` model.
struct PiAPITaskView {
    /// Turns a stored media path (or an upstream's absolute URL) into the JSON to show for it.
    let mediaURL: @Sendable (String) -> JSONValue

    /// PiAPI's "not yet" time: Go's zero time.
    static let unsetTime = "0001-01-01T00:00:00Z"
    /// `error.code` of a failed task (PiAPI documents no values; 0 is no error).
    static let failedCode = 10000

    /// `{code: 200, data, message: "success"}`, the envelope of every answer.
    func envelope(_ task: VideoTask, startedAtMillis: Int64?) -> JSONValue {
        .object([("code", .int(200)), ("data", data(task, startedAtMillis: startedAtMillis)), ("message", .string("success"))])
    }

    /// A webhook's body: `{timestamp, data}`, the timestamp the change's (the same at every retry).
    func webhook(_ task: VideoTask) -> JSONValue {
        let started = task.state == .processing ? task.updatedAtMillis : nil
        return .object([("timestamp", .int(Int(task.updatedAtMillis / 1000))), ("data", data(task, startedAtMillis: started))])
    }

    func data(_ task: VideoTask, startedAtMillis: Int64?) -> JSONValue {
        let sent = sentBody(task)
        return .object([
            ("task_id", .string(task.id)),
            ("model", .string("luma")),
            ("task_type", sent?["task_type"] ?? .string(task.parentID == nil ? "video_generation" : "extend_video")),
            ("status", .string(task.state.rawValue)),
            ("config", config(task, sent: sent)),
            ("input", sent?["input"] ?? input(task)),
            ("output", output(task)),
            ("meta", meta(task, startedAtMillis: startedAtMillis)),
            ("detail", .null),
            ("logs", .array([])),
            ("error", error(task)),
        ])
    }

    /// The body this dialect's client sent, when it made the task.
    private func sentBody(_ task: VideoTask) -> [String: JSONValue]? {
        guard let origin = task.request.origin, origin.dialect == .piAPI,
            case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: Data(origin.body.utf8))
        else { return nil }
        return Dictionary(members, uniquingKeysWith: { first, _ in first })
    }

    private func config(_ task: VideoTask, sent: [String: JSONValue]?) -> JSONValue {
        var serviceMode = JSONValue.string("")
        if case .object(let members)? = sent?["config"], let mode = members.first(where: { $0.0 == "service_mode" })?.1 { serviceMode = mode }
        let origin = task.request.origin?.dialect == .piAPI ? task.request.origin : nil
        return .object([
            ("service_mode", serviceMode),
            (
                "webhook_config",
                .object([
                    ("endpoint", .string(origin?.webhookURL ?? "")), ("secret", .string(origin?.webhookSecret ?? "")),
                ])
            ),
        ])
    }

    /// A task made through another face, as this dialect would have asked for it.
    private func input(_ task: VideoTask) -> JSONValue {
        let request = task.request
        var members: [(String, JSONValue)] = [("prompt", .string(request.prompt))]
        var frames: [(String, JSONValue)] = []
        if let parentID = task.parentID {
            frames.append(("frame0", .object([("type", .string("generation")), ("id", .string(parentID))])))
        } else if let image = request.image {
            frames.append(("frame0", .object([("type", .string("image")), ("url", imageURL(image))])))
        }
        if let endID = request.endGenerationID {
            frames.append(("frame1", .object([("type", .string("generation")), ("id", .string(endID))])))
        } else if let image = request.imageEnd {
            frames.append(("frame1", .object([("type", .string("image")), ("url", imageURL(image))])))
        }
        if !frames.isEmpty { members.append(("key_frames", .object(frames))) }
        if let model = request.officialModel { members.append(("model_name", .string(model))) }
        members += [
            ("duration", .int(request.durationSeconds)), ("aspect_ratio", .string(request.aspectRatio)),
            ("loop", .bool(request.loop ?? false)), ("expand_prompt", .bool(request.expandPrompt ?? false)),
        ]
        return .object(members)
    }

    private func imageURL(_ image: ImageReference) -> JSONValue {
        image.sourceURL.map(JSONValue.string) ?? mediaURL(image.storedPath)
    }

    private func output(_ task: VideoTask) -> JSONValue {
        let media = task.state == .completed ? task.media : nil
        func picture(_ url: String?, _ width: Int?, _ height: Int?) -> JSONValue {
            guard let url else { return .null }
            return .object([("url", mediaURL(url)), ("width", .optional(width)), ("height", .optional(height))])
        }
        let video = picture(media?.video?.url, media?.video?.width, media?.video?.height)
        return .object([
            ("prompt", .string(task.request.prompt)),
            ("internal_state", .string(task.state.rawValue)),
            ("created_at", .string(media.map { RFC3339.timestamp($0.createdAtMillis) } ?? Self.unsetTime)),
            ("video", video),
            // No watermark is ever added: the raw video is the video.
            ("video_raw", video),
            ("thumbnail", picture(media?.thumbnail?.url, media?.thumbnail?.width, media?.thumbnail?.height)),
            ("last_frame", picture(media?.lastFrame?.url, media?.lastFrame?.width, media?.lastFrame?.height)),
        ])
    }

    private func meta(_ task: VideoTask, startedAtMillis: Int64?) -> JSONValue {
        let ended = task.state.isTerminal ? task.updatedAtMillis : nil
        return .object([
            ("created_at", .string(RFC3339.timestamp(task.createdAtMillis))),
            ("started_at", .string(startedAtMillis.map(RFC3339.timestamp) ?? Self.unsetTime)),
            ("ended_at", .string(ended.map(RFC3339.timestamp) ?? Self.unsetTime)),
            (
                "usage",
                .object([
                    ("type", .string("point")), ("frozen", .int(Int(task.price))),
                    ("consume", .int(task.state == .completed ? Int(task.price) : 0)),
                ])
            ),
            ("is_using_private_pool", .bool(false)),
            ("failover_triggered", .bool(false)),
        ])
    }

    private func error(_ task: VideoTask) -> JSONValue {
        let failed = task.state == .failed
        let message = failed ? (task.failureReason ?? "The generation failed.") : ""
        return .object([
            ("code", .int(failed ? Self.failedCode : 0)), ("raw_message", .string(message)), ("message", .string(message)),
            ("detail", .null),
        ])
    }
}
