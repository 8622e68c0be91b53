import Foundation

/// The one way tasks are created and read, whichever face a request came through. Creating a
/// task only stores it; the poller takes it upstream, so a crash right after a submit loses
/// nothing.
public struct TaskService: Sendable {
    let tasks: TaskRepository
    let uploads: UploadRepository
    let images: ImageIntake
    /// Takes in the videos clients send to be edited or reframed; nil where there is no ffmpeg to read them.
    let videos: VideoIntake?
    let store: MediaStore
    /// Picks the channel new tasks go to; a task tied to other generations goes to theirs.
    let router: ChannelRouter
    /// Every channel a task may be on, by name (the sandbox too, even when it takes no new tasks).
    let channels: [String: any UpstreamChannel]
    /// Where webhooks may go: checked at submit, and again at each delivery.
    let outboundPolicy: OutboundPolicy
    /// The models the faces take, and what each may be asked for.
    public let models: ModelCatalogue
    let pricing: Pricing
    /// Unfinished tasks a token may have when it sets no limit of its own; nil is no limit.
    let defaultMaxInFlight: Int?
    let uploadLimits: UploadLimits
    let now: @Sendable () -> Date
    let newID: @Sendable () -> UUID
    let onSubmit: @Sendable () -> Void
    /// Submits with an `Idempotency-Key` under way in this process, by token, key and request.
    private let idempotentSubmits = SingleFlight<String, VideoTask>()

    public init(
        tasks: TaskRepository, uploads: UploadRepository, images: ImageIntake, videos: VideoIntake? = nil, store: MediaStore, router: ChannelRouter,
        channels: [any UpstreamChannel] = [],
        outboundPolicy: OutboundPolicy = .init(allowedHosts: []), models: ModelCatalogue = .builtIn, pricing: Pricing = .defaults,
        defaultMaxInFlight: Int? = nil,
        uploadLimits: UploadLimits = .init(), now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID,
        onSubmit: @escaping @Sendable () -> Void
    ) {
        self.tasks = tasks
        self.uploads = uploads
        self.images = images
        self.videos = videos
        self.store = store
        self.router = router
        self.channels = Dictionary((channels + router.channels).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.outboundPolicy = outboundPolicy
        self.models = models
        self.pricing = pricing.filled(from: models)
        self.defaultMaxInFlight = defaultMaxInFlight
        self.uploadLimits = uploadLimits
        self.now = now
        self.newID = newID
        self.onSubmit = onSubmit
    }

    /// Image fields as the client sent them: an http(s) URL or a base64 data URI.
    public struct ImageSources: Sendable {
        public var first: String?
        public var last: String?
        /// Guide frames (an image field's value each) and the output frames they are pinned to.
        public var keyframes: [(source: String, index: Int)] = []
        /// Guidance images (`image_ref`).
        public var references: [String] = []
        /// The result takes the frame of the first image: of the model's ratios, the nearest.
        public var firstSetsRatio = false
        /// Where the request carried them, for error messages.
        public var firstField: String
        public var lastField: String
        /// The object holding `keyframes` and `keyframe_indexes`.
        public var keyframesParent = "video"
        /// A video_edit's or video_reframe's source video as the client sent it, and where.
        public var video: (source: VideoIntake.Source, field: String)?
        public init(first: String? = nil, last: String? = nil, firstField: String = "image_url", lastField: String = "image_end_url") {
            self.first = first
            self.last = last
            self.firstField = firstField
            self.lastField = lastField
        }
    }

    /// Stores a new task (its images first) and charges `token` its price. If anything fails,
    /// nothing stays behind and nothing is charged. `start` and `end` are the owner's generations
    /// the video opens on (an extension: its parent) or leads into; a task that refers to any goes
    /// to their channel. A request repeating an earlier one's `idempotency` key gets that task.
    public func submit(
        token: APIToken, request: GenerationRequest, images sources: ImageSources = .init(),
        start: VideoTask? = nil, end: VideoTask? = nil, idempotency: IdempotencyKey? = nil
    ) async throws -> VideoTask {
        var request = request
        if let start { request.aspectRatio = start.request.aspectRatio }
        request.endGenerationID = end?.id
        if let made = start ?? end {
            try continueModel(of: made, in: &request)
        }
        return try await create(token: token, request: request, parent: start, end: end, images: sources, idempotency: idempotency)
    }

    /// One of the owner's finished images, as an image field takes it: the gateway's own copy as a
    /// data URI (a task's files are its own, so an edit keeps a copy), or an upstream's URL.
    public func editableImage(id: String, tokenID: String, field: String) async throws -> (source: String, aspectRatio: String) {
        guard let task = try await tasks.find(id: id, ownedBy: tokenID), task.request.producesImage else {
            throw GatewayError.invalidRequest("Field `\(field)` names no image generation of this token.")
        }
        guard task.state == .completed, let image = task.media?.image else {
            throw GatewayError.conflict("Field `\(field)` names generation \(id), which is not completed; only a finished image can be edited.")
        }
        if image.url.hasPrefix("http") { return (image.url, task.request.aspectRatio) }
        guard let data = try await store.read(image.url), let format = ImageProbe.format(of: data) else {
            throw GatewayError.conflict("Field `\(field)` names generation \(id), whose image this gateway no longer keeps.")
        }
        return ("data:\(format.mediaType);base64,\(data.base64EncodedString())", task.request.aspectRatio)
    }

    /// A video that opens on or leads into another generation is made by that generation's model
    /// family on its channel: it takes the model when the request names none, and a request naming
    /// the other family (ray-3.2 against ray-2) is refused.
    func continueModel(of made: VideoTask, in request: inout GenerationRequest) throws {
        if request.model == nil { request.model = made.request.model }
        let (model, madeBy) = (models.spec(for: request), models.spec(for: made.request))
        guard let model, model.family == madeBy?.family else {
            throw GatewayError.invalidRequest(
                "Generation \(made.id) was made by \(made.request.officialModel ?? "another model"); a video continuing it must use the same model family, not \(request.officialModel ?? "this one")."
            )
        }
        if let duration = request.duration, !model.framedDurations.contains(duration) {
            throw GatewayError.invalidRequest(
                "Field `duration` cannot be \"\(duration)\" for a video continuing another on \(model.name): it is \(FieldRules.spoken(model.framedDurations)) long."
            )
        }
    }

    /// One of the owner's generations that a new video refers to by id (`field` names where),
    /// checked the way the upstream would: it must exist, be a finished video, and share a channel
    /// with `other` (the request's other reference) when there is one.
    public func keyframeGeneration(id: String, tokenID: String, field: String, other: VideoTask? = nil) async throws -> VideoTask {
        guard let task = try await tasks.find(id: id, ownedBy: tokenID) else {
            throw GatewayError.invalidRequest("Field `\(field)` names generation \(id), which does not exist for this token.")
        }
        guard !task.request.producesImage else {
            throw GatewayError.invalidRequest(
                "Field `\(field)` names generation \(id), which is an image; a keyframe of type generation must be a video.")
        }
        guard task.state == .completed else {
            throw GatewayError.conflict(
                "Field `\(field)` names generation \(id), which has not completed; only a completed generation can be a keyframe.")
        }
        if let other, other.channel != task.channel {
            throw GatewayError.invalidRequest("The two keyframe generations were made on different upstream channels and cannot be combined.")
        }
        return task
    }

    /// Stores a task that continues `parent`'s video (a task `token`, its owner, looked up), on the
    /// parent's channel and in its aspect ratio.
    public func extend(_ parent: VideoTask, request: GenerationRequest, token: APIToken, idempotency: IdempotencyKey? = nil) async throws -> VideoTask
    {
        guard parent.state == .completed else {
            throw GatewayError.conflict("Task \(parent.id) is \(parent.state.rawValue); only a completed task can be extended.")
        }
        guard !parent.request.producesImage else {
            throw GatewayError.invalidRequest("Task \(parent.id) is an image; only a video can be extended.")
        }
        return try await submit(token: token, request: request, start: parent, idempotency: idempotency)
    }

    /// Deletes one of the caller's tasks: it leaves both API faces, work on it stops, and the
    /// files the gateway keeps for it (its media and its copies of the client's images) are removed.
    ///
    /// Money (`RefundPolicy`): an unfinished task no paid upstream has taken yet (still waiting,
    /// or on the sandbox) is refunded in full; one a paid upstream has accepted is asked to stop
    /// there, but keeps its charge.
    public func delete(id: String, tokenID: String) async throws {
        // A poller may be moving the task at the same moment, so try until it is final either way.
        while let task = try await tasks.find(id: id, ownedBy: tokenID), !task.state.isTerminal {
            let upstream = task.upstreamID == nil ? nil : channels[task.channel].flatMap { $0.isPaid ? $0 : nil }
            let reason = RefundPolicy.deletionReason(acceptedByPaidUpstream: upstream != nil)
            if try await tasks.transition(
                id: id, from: task.state, to: .failed,
                changes: .init(failureReason: reason, failure: .deletedByOwner(acceptedByPaidUpstream: upstream != nil)),
                reason: reason, at: now().millis) != nil, let upstream
            {
                Task { await upstream.cancel(task) }
            }
        }
        guard let task = try await tasks.delete(id: id, ownedBy: tokenID, at: now().millis) else { throw GatewayError.taskNotFound(id) }
        await store.deleteMedia(of: task)
    }

    /// The video to download for a completed task.
    public func downloadablePath(id: String, tokenID: String) async throws -> String {
        let task = try await task(id: id, tokenID: tokenID)
        guard task.state == .completed, let video = task.media?.video else {
            throw GatewayError.conflict("Task \(id) is \(task.state.rawValue); its video can be downloaded once it is completed.")
        }
        return video.downloadURL
    }

    /// Stores a video_edit or video_reframe of `source` (a completed video of `token`'s): as long as
    /// the source, an edit in its frame, made on the source's channel, which must be able to.
    /// An edit's `keyframes` are pinned to frames of the source (24 a second).
    public func change(
        _ source: VideoTask, request: GenerationRequest, token: APIToken, keyframes: ImageSources = .init(), idempotency: IdempotencyKey? = nil
    ) async throws -> VideoTask {
        guard source.state == .completed, !source.request.producesImage, let video = source.media?.video else {
            throw GatewayError.conflict("Generation \(source.id) is \(source.state.rawValue) or not a video; only a finished video can be changed.")
        }
        try Self.checkKeyframes(
            keyframes.keyframes.map(\.index), within: video.duration ?? Double(source.request.durationSeconds), parent: keyframes.keyframesParent)
        var request = request
        request.remixedFrom = source.id
        request.duration = source.request.duration
        if request.kind == .videoEdit { request.aspectRatio = source.request.aspectRatio }
        guard let channel = channels[source.channel], router.canTake(request, on: channel) else {
            throw GatewayError.invalidRequest(
                "Generation \(source.id) was made by the upstream \(source.channel), which cannot \(request.kind == .videoEdit ? "edit" : "reframe") it; only videos made through an Agents channel or the sandbox can be."
            )
        }
        return try await create(token: token, request: request, parent: nil, end: nil, images: keyframes, idempotency: idempotency, source: source)
    }

    /// Stores a changed copy of `source` (a completed video of `token`'s): the same size, length
    /// and model with a new prompt, opening on the source's first frame, on the source's channel.
    /// Only the sandbox can make one: Luma's own remix (modify) is not relayed.
    public func remix(_ source: VideoTask, prompt: String, token: APIToken, idempotency: IdempotencyKey? = nil) async throws -> VideoTask {
        guard source.state == .completed, !source.request.producesImage else {
            throw GatewayError.conflict("Video \(source.id) is \(source.state.rawValue); only a completed video can be remixed.")
        }
        // The sandbox is always there to finish its tasks, even when the router sends new ones upstream.
        let paid = channels[source.channel]?.isPaid ?? true
        guard !paid else {
            throw GatewayError.invalidRequest(
                "Video \(source.id) was made by the upstream \(source.channel), and remixing or editing it there is not available through this gateway; only sandbox videos can be remixed."
            )
        }
        var request = GenerationRequest(
            prompt: prompt, aspectRatio: source.request.aspectRatio, model: source.request.model,
            resolution: source.request.resolution, duration: source.request.duration, remixedFrom: source.id)
        request.kind = source.request.kind
        return try await create(token: token, request: request, parent: nil, end: nil, images: .init(), idempotency: idempotency, source: source)
    }

    private func create(
        token: APIToken, request: GenerationRequest, parent: VideoTask?, end: VideoTask?, images sources: ImageSources,
        idempotency: IdempotencyKey?, source: VideoTask? = nil
    ) async throws -> VideoTask {
        guard let idempotency else {
            return try await store(token: token, request: request, parent: parent, end: end, images: sources, idempotency: nil, source: source)
        }
        // Duplicates arriving together in this process wait for the first one's answer; one in
        // another process finds the key claimed. Neither fetches or imports anything.
        return try await idempotentSubmits.run("\(token.id)\n\(idempotency.key)\n\(idempotency.requestHash)") {
            let keys = IdempotencyRepository(database: tasks.database)
            let since = now().millis - IdempotencyKey.lifetimeMillis
            if let existing = try await keys.existingTask(for: idempotency, tokenID: token.id, since: since) {
                return try await earlierTask(existing, idempotency: idempotency, tokenID: token.id)
            }
            let claim = try await keys.claim(idempotency, tokenID: token.id, at: now().millis)
            // The request that held the key may have stored its task between the two reads.
            if let existing = try await keys.existingTask(for: idempotency, tokenID: token.id, since: since) {
                if claim == .claimed { try? await keys.release(idempotency, tokenID: token.id) }
                return try await earlierTask(existing, idempotency: idempotency, tokenID: token.id)
            }
            guard claim == .claimed else { throw IdempotencyKey.inProgress(idempotency.key) }
            do {
                return try await store(
                    token: token, request: request, parent: parent, end: end, images: sources,
                    idempotency: idempotency, source: source)
            } catch {
                try? await keys.release(idempotency, tokenID: token.id)
                throw error
            }
        }
    }

    /// A model that must open on an image gets one; one that cannot use an image is given none
    /// (an extension or a remix opens on an image too: its parent's last frame, its source's first).
    private static func checkFrames(of model: ModelSpec, start: Bool, end: Bool, fields: ImageSources) throws {
        for (use, given, field, which) in [
            (model.startFrame, start, fields.firstField, "a start"), (model.endFrame, end, fields.lastField, "an end"),
        ] {
            if use == .required, !given {
                throw GatewayError.invalidRequest("Field `\(field)` is required: model \(model.name) makes videos from \(which) image.")
            }
            if use == .refused, given {
                throw GatewayError.invalidRequest("Field `\(field)` cannot be used: model \(model.name) does not take \(which) image.")
            }
        }
    }

    /// Fetches and stores the request's images, then the task with its charge.
    private func store(
        token: APIToken, request: GenerationRequest, parent: VideoTask?, end: VideoTask?, images sources: ImageSources,
        idempotency: IdempotencyKey?, source: VideoTask?
    ) async throws -> VideoTask {
        let hooks = [
            ("notify_hook", request.notifyHook), ("callback_url", request.callbackURL),
            (request.origin?.webhookField ?? "", request.origin?.webhookURL),
        ]
        for (field, url) in hooks {
            if let url, outboundPolicy.refusalBeforeLookup(url) != nil {
                throw GatewayError.invalidRequest(
                    "Field `\(field)` points at a local or private address, which this gateway does not send webhooks to.")
            }
        }
        if let model = models.spec(for: request), model.makesVideo {
            try Self.checkFrames(
                of: model, start: sources.first != nil || parent != nil || source != nil, end: sources.last != nil || end != nil,
                fields: sources)
        }
        // A task tied to other generations goes to their channel; any other to the router's first
        // choice (which the poller may still change), known before any image is fetched.
        let linked = parent ?? end ?? source
        let routed = linked == nil ? try firstChoice(for: request) : nil
        var request = request
        var stored: [String] = []
        do {
            if let first = sources.first {
                let (image, size) = try await importImage(first, field: sources.firstField, tokenID: token.id)
                request.image = image
                stored.append(image.storedPath)
                if sources.firstSetsRatio, let size,
                    let ratio = AspectRatio.nearest(width: size.width, height: size.height, among: models.spec(for: request)?.aspectRatios ?? [])
                {
                    request.aspectRatio = ratio
                }
            }
            if let last = sources.last {
                request.imageEnd = try await importImage(last, field: sources.lastField, tokenID: token.id).reference
                stored.append(request.imageEnd!.storedPath)
            }
            for (position, keyframe) in sources.keyframes.enumerated() {
                let image = try await importImage(keyframe.source, field: "\(sources.keyframesParent).keyframes[\(position)]", tokenID: token.id)
                    .reference
                stored.append(image.storedPath)
                request.keyframes = (request.keyframes ?? []) + [.init(image: image, index: keyframe.index)]
            }
            if let (source, field) = sources.video {
                let video = try await importVideo(source, field: field, tokenID: token.id)
                stored.append(video.storedPath)
                try Self.take(video, into: &request, models: models, keyframesParent: sources.keyframesParent)
            }
            for (position, reference) in sources.references.enumerated() {
                let image = try await importImage(reference, field: "image_ref[\(position)]", tokenID: token.id).reference
                stored.append(image.storedPath)
                request.references = (request.references ?? []) + [image]
            }
            try routed?.validate(request)
            let at = now().millis
            let task = VideoTask(
                id: newID().uuidString.lowercased(), tokenID: token.id, state: .pending,
                channel: linked?.channel ?? routed?.name ?? "", parentID: parent?.id, request: request,
                createdAtMillis: at, updatedAtMillis: at, nextPollAtMillis: at,
                callbackSecret: newID().uuidString.lowercased() + newID().uuidString.lowercased(),
                price: pricing.price(of: request, modelResolution: models.spec(for: request)?.defaultResolution))
            if let existing = try await tasks.insert(
                task, reason: parent == nil ? "submitted" : "submitted as an extension of \(parent!.id)",
                maxInFlight: token.maxInFlight ?? defaultMaxInFlight, idempotency: idempotency)
            {
                for path in stored { await store.delete(path) }
                return try await earlierTask(existing, idempotency: idempotency, tokenID: token.id)
            }
            // A new row is not in the store's change log (it changes no kept view); the token's
            // streams in this process hear of it here, other processes' at its first change.
            tasks.database.watchers?.changed(CollectionOfOne("task:\(task.id) \(task.tokenID)"))
            onSubmit()
            return task
        } catch {
            for path in stored { await store.delete(path) }
            throw error
        }
    }

    private func firstChoice(for request: GenerationRequest) throws -> any UpstreamChannel {
        guard let channel = router.candidates(for: request).first else {
            throw GatewayError.noChannelAvailable(
                "No upstream channel of this gateway can take this request now (model \(request.officialModel ?? "none")); try again later or ask the operator."
            )
        }
        return channel
    }

    /// The task an earlier request with the same `Idempotency-Key` made. One its owner has deleted
    /// since is gone from both faces, so the retry may not answer it as if it were still there.
    private func earlierTask(_ id: String, idempotency: IdempotencyKey?, tokenID: String) async throws -> VideoTask {
        guard let task = try await tasks.find(id: id, ownedBy: tokenID) else {
            throw GatewayError.conflict(
                "The \(IdempotencyKey.header) \"\(idempotency?.key ?? "")\" was used for task \(id), which has since been deleted; use a new key for a new request."
            )
        }
        return task
    }
}
