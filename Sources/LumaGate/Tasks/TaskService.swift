import Foundation

/// The one way tasks are created and read, whichever face a request came through. Creating a
/// task only stores it; the poller takes it upstream, so a crash right after a submit loses
/// nothing.
public struct TaskService: Sendable {
    let tasks: TaskRepository
    let uploads: UploadRepository
    let images: ImageIntake
    let store: MediaStore
    /// The channel new tasks go to; an extension goes to its parent's.
    let channel: any UpstreamChannel
    let now: @Sendable () -> Date
    let newID: @Sendable () -> UUID
    let onSubmit: @Sendable () -> Void

    public init(
        tasks: TaskRepository, uploads: UploadRepository, images: ImageIntake, store: MediaStore, channel: any UpstreamChannel,
        now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID, onSubmit: @escaping @Sendable () -> Void
    ) {
        self.tasks = tasks
        self.uploads = uploads
        self.images = images
        self.store = store
        self.channel = channel
        self.now = now
        self.newID = newID
        self.onSubmit = onSubmit
    }

    /// Image fields as the client sent them: an http(s) URL or a base64 data URI.
    public struct ImageSources: Sendable {
        public var first: String?
        public var last: String?
        public init(first: String? = nil, last: String? = nil) {
            self.first = first
            self.last = last
        }
    }

    /// Stores a new task (its images first). If anything fails, nothing stays behind.
    public func submit(tokenID: String, request: GenerationRequest, images sources: ImageSources = .init()) async throws -> VideoTask {
        try await create(tokenID: tokenID, request: request, parent: nil, images: sources)
    }

    /// Stores a task that continues `parent`'s video (a task its owner looked up), on the
    /// parent's channel and in its aspect ratio.
    public func extend(_ parent: VideoTask, request: GenerationRequest) async throws -> VideoTask {
        guard parent.state == .completed else {
            throw GatewayError.conflict("Task \(parent.id) is \(parent.state.rawValue); only a completed task can be extended.")
        }
        var request = request
        request.aspectRatio = parent.request.aspectRatio
        return try await create(tokenID: parent.tokenID, request: request, parent: parent, images: .init())
    }

    public func task(id: String, tokenID: String) async throws -> VideoTask {
        guard let task = try await tasks.find(id: id, ownedBy: tokenID) else { throw GatewayError.taskNotFound(id) }
        return task
    }

    /// The stored relay-format view of one of the caller's tasks.
    public func lumaView(id: String, tokenID: String) async throws -> String {
        guard let view = try await tasks.lumaView(id: id, ownedBy: tokenID) else { throw GatewayError.taskNotFound(id) }
        return view
    }

    public func lumaViews(ids: [String], tokenID: String) async throws -> [String] {
        try await tasks.lumaViews(ids: ids, ownedBy: tokenID)
    }

    public func listLumaViews(tokenID: String, offset: Int, limit: Int) async throws -> [String] {
        try await tasks.listLumaViews(ownedBy: tokenID, offset: offset, limit: limit)
    }

    /// The video to download for a completed task.
    public func downloadablePath(id: String, tokenID: String) async throws -> String {
        let task = try await task(id: id, tokenID: tokenID)
        guard task.state == .completed, let media = task.media else {
            throw GatewayError.conflict("Task \(id) is \(task.state.rawValue); its video can be downloaded once it is completed.")
        }
        return media.video.downloadURL
    }

    /// Stores an image for later use as a first or last frame.
    public func upload(tokenID: String, source: String) async throws -> Upload {
        let reference = try await importImage(source, field: "url")
        let upload = Upload(
            id: newID().uuidString.lowercased(), tokenID: tokenID, storedPath: reference.storedPath, createdAtMillis: now().millis)
        do {
            try await uploads.insert(upload)
        } catch {
            store.remove(reference.storedPath)
            throw error
        }
        return upload
    }

    private func create(tokenID: String, request: GenerationRequest, parent: VideoTask?, images sources: ImageSources) async throws -> VideoTask {
        var request = request
        var stored: [String] = []
        do {
            if let first = sources.first {
                request.image = try await importImage(first, field: "image_url")
                stored.append(request.image!.storedPath)
            }
            if let last = sources.last {
                request.imageEnd = try await importImage(last, field: "image_end_url")
                stored.append(request.imageEnd!.storedPath)
            }
            if parent == nil { try channel.validate(request) }
            let at = now().millis
            let task = VideoTask(
                id: newID().uuidString.lowercased(), tokenID: tokenID, state: .pending,
                channel: parent?.channel ?? channel.name, parentID: parent?.id, request: request,
                createdAtMillis: at, updatedAtMillis: at, nextPollAtMillis: at,
                callbackSecret: newID().uuidString.lowercased() + newID().uuidString.lowercased())
            try await tasks.insert(task, reason: parent == nil ? "submitted" : "submitted as an extension of \(parent!.id)")
            onSubmit()
            return task
        } catch {
            stored.forEach(store.remove)
            throw error
        }
    }

    private func importImage(_ source: String, field: String) async throws -> ImageReference {
        let image = try await images.load(source, field: field)
        let path = try store.saveUpload(image.data, format: image.format, id: newID().uuidString.lowercased())
        return ImageReference(sourceURL: source.hasPrefix("data:") ? nil : source, storedPath: path)
    }
}
