import Foundation

/// The built-in engine for a gateway with no upstream: it walks each task through queued and
/// dreaming on a schedule, then renders real, playable media (or, for an image generation, a
/// real picture) locally.
///
/// A prompt containing `sandbox:fail` makes the task fail on purpose once it leaves the queue,
/// so client developers can exercise their failure path.
public struct SandboxChannel: UpstreamChannel {
    public static let failureMarker = "sandbox:fail"

    public let name = "sandbox"
    /// Renders are CPU-bound: one per core of a small machine.
    public let concurrency = 2
    let schedule: SandboxSchedule
    let renderer: SandboxRenderer?
    let store: MediaStore
    let now: @Sendable () -> Date

    /// `renderer` is nil when ffmpeg is not installed: tasks then fail with a reason that says so.
    public init(schedule: SandboxSchedule, renderer: SandboxRenderer?, store: MediaStore, now: @escaping @Sendable () -> Date) {
        self.schedule = schedule
        self.renderer = renderer
        self.store = store
        self.now = now
    }

    /// Videos and images; the operations only Luma can do are not for the sandbox.
    public func supports(_ request: GenerationRequest) -> Bool {
        !(request.kind?.isRelayedOperation ?? false)
    }

    public func submit(_ task: VideoTask, parent: VideoTask?, end: VideoTask?) async throws -> String {
        "sandbox-\(task.id)"
    }

    public func fetch(_ task: VideoTask) async throws -> UpstreamSnapshot {
        let elapsed = now().timeIntervalSince(Date(millis: task.createdAtMillis))
        if elapsed < schedule.queuedSeconds { return .queued }
        if task.request.prompt.localizedCaseInsensitiveContains(Self.failureMarker) {
            return .failed(reason: "The sandbox failed this task on purpose: its prompt contains \"\(Self.failureMarker)\".")
        }
        if elapsed < schedule.queuedSeconds + schedule.dreamingSeconds { return .dreaming }
        guard let renderer else {
            return .failed(reason: "The gateway's sandbox cannot render videos because ffmpeg is not installed on its host.")
        }
        let input = SandboxRenderer.Input(
            taskID: task.id,
            prompt: task.request.prompt,
            frameSize: (AspectRatio(rawValue: task.request.aspectRatio) ?? .wide).frameSize,
            durationSeconds: task.request.durationSeconds,
            firstFramePath: firstFrame(of: task).map(store.absolutePath)
        )
        do {
            if task.request.producesImage {
                let format = task.request.imageFormat ?? DreamMachineGenerationView.defaultImageFormat
                return .completed(try await renderer.renderImage(input, format: format, createdAtMillis: now().millis))
            }
            return .completed(try await renderer.render(input, createdAtMillis: now().millis))
        } catch {
            return .failed(reason: "The sandbox could not render this \(task.request.producesImage ? "image" : "video") (\(error)).")
        }
    }

    public func nextPoll(for task: VideoTask, after snapshot: UpstreamSnapshot, now: Date) -> Date {
        let created = Date(millis: task.createdAtMillis)
        switch snapshot {
        case .queued: return max(now, created.addingTimeInterval(schedule.queuedSeconds))
        case .dreaming: return max(now, created.addingTimeInterval(schedule.queuedSeconds + schedule.dreamingSeconds))
        case .completed, .failed: return now
        }
    }

    /// An extension opens on its parent's last frame; otherwise the client's first frame, if any.
    private func firstFrame(of task: VideoTask) -> String? {
        if let parentID = task.parentID {
            return "\(store.taskDirectory(parentID))/\(SandboxRenderer.lastFrameFile)"
        }
        return task.request.image?.storedPath
    }
}
