import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// A ComfyUI machine running the operator's workflows (docs/comfyui.md). A task's prompt id is
/// the task's id, so a submit that is tried again finds its prompt instead of running it twice;
/// its images are uploaded into a folder of its own; the finished file is fetched with `/view`
/// and kept in the media store, so it plays after ComfyUI's output folder is cleaned. The
/// machine's own host is trusted for these calls (a LAN address is the normal case).
public struct ComfyUIChannel: UpstreamChannel {
    /// ComfyUI is on the operator's network: a first look a second after the submit, then every
    /// sixteenth of the task's age within 1-5 s (its socket, when connected, says sooner).
    public static let defaultPolling = DreamMachineChannel.Polling(firstPollSeconds: 1, minPollSeconds: 1, maxPollSeconds: 5)

    public let name: String
    public let concurrency = 8
    let http: UpstreamHTTP
    let workflows: ComfyUIModels
    let models: ModelCatalogue
    let keeper: OutputKeeper
    let store: MediaStore
    let polling: DreamMachineChannel.Polling
    let machine: ComfyUIMachine
    /// This gateway's name at the machine: its socket's events for our prompts come to it.
    let clientID: String
    let now: @Sendable () -> Date

    init(
        name: String, http: UpstreamHTTP, workflows: ComfyUIModels, models: ModelCatalogue, keeper: OutputKeeper, store: MediaStore,
        polling: DreamMachineChannel.Polling = Self.defaultPolling, machine: ComfyUIMachine = .init(), clientID: String,
        now: @escaping @Sendable () -> Date
    ) {
        self.name = name
        var http = http
        http.refusal = ComfyUIMapping.refusal(from:)
        // A busy machine's queue lists every pending prompt's whole workflow.
        http.maxAnswerBytes = 64 * 1024 * 1024
        self.http = http
        self.workflows = workflows
        self.models = models
        self.keeper = URL(string: http.baseURL).flatMap { OutboundPolicy.host(of: $0) }.map { keeper.trusting(host: $0) } ?? keeper
        self.store = store
        self.polling = polling
        self.machine = machine
        self.clientID = clientID
        self.now = now
    }

    public var kind: ChannelRecord.Kind { .comfyUI }

    public var upstreamName: String { "ComfyUI" }

    public var queueLength: Int? { machine.queueLength }

    public func expectedSeconds(for task: VideoTask) -> Double? {
        models.spec(for: task.request)?.typicalSeconds
    }

    /// Videos and images of its workflows that the machine can run; Luma's operations are not ComfyUI's.
    public func supports(_ request: GenerationRequest) -> Bool {
        guard let model = request.officialModel, workflows.workflows[model] != nil, !machine.cannotRun(model) else { return false }
        return [.video, .image].contains(request.kind ?? .video)
    }

    public func validate(_ request: GenerationRequest) throws {
        guard let model = request.officialModel, let workflow = workflows.workflows[model] else { return }
        if case .failure(let refusal) = workflow.graph(withStartImage: request.image != nil, withEndImage: request.imageEnd != nil) {
            throw GatewayError.invalidRequest("\(refusal).")
        }
    }

    public func submit(_ task: VideoTask, parent: VideoTask?, end: VideoTask?) async throws -> String {
        // Tried again after an answer was lost: the prompt may be there already. The queue is read
        // first: ComfyUI moves a finished prompt from the queue to the history at once, so a prompt
        // that finishes between the two reads is in the second (the other order could miss it and
        // post it twice).
        if try await queue().contains(task.id) { return task.id }
        if try await outcome(of: task) != .absent { return task.id }
        try await post(task)
        return task.id
    }

    /// Uploads the task's images and queues its prompt.
    private func post(_ task: VideoTask) async throws {
        guard let model = task.request.officialModel, let workflow = workflows.workflows[model] else {
            throw UpstreamError.rejected("model \(task.request.model ?? "?") is not one of this ComfyUI channel's workflows")
        }
        // An extension opens on its parent's last frame, a remix on its source's first; a video
        // leading into another ends on that one's first frame.
        let frame = { (id: String, file: String) in "\(store.taskDirectory(id))/\(file)" }
        let startPath =
            task.parentID.map { frame($0, VideoStills.lastFrameFile) } ?? task.request.remixedFrom.map { frame($0, VideoStills.thumbnailFile) }
            ?? task.request.image?.storedPath
        let endPath = task.request.endGenerationID.map { frame($0, VideoStills.thumbnailFile) } ?? task.request.imageEnd?.storedPath
        let startImage = try await startPath.asyncMap { try await upload($0, as: "start", for: task) }
        let endImage = try await endPath.asyncMap { try await upload($0, as: "end", for: task) }
        let graph: JSONValue
        do {
            graph = try workflow.prompt(
                for: task.request, resolution: models.resolution(of: task.request), seed: Self.seed(of: task.id), startImage: startImage,
                endImage: endImage)
        } catch {
            throw UpstreamError.rejected(error.description)
        }
        _ = try await http.send(.POST, "/prompt", body: ComfyUIMapping.promptBody(graph: graph, promptID: task.id, clientID: clientID).bytes())
    }

    /// Uploads the stored image at `path` into the task's folder; returns the name LoadImage takes.
    private func upload(_ path: String, as name: String, for task: VideoTask) async throws -> String {
        guard let data = try await store.read(path), let format = ImageProbe.format(of: data) else {
            throw UpstreamError.rejected("an image of this request is no longer kept by the gateway")
        }
        let folder = "lumagate/\(task.id)"
        let file = "\(name).\(format.fileExtension)"
        let boundary = "lumagate-\(UUID().uuidString)"
        var body = Data()
        for (field, value) in [("subfolder", folder), ("overwrite", "true"), ("type", "input")] {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"\(file)\"\r\nContent-Type: \(format.mediaType)\r\n\r\n"
                    .utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        _ = try await http.send(.POST, "/upload/image", body: Array(body), contentType: "multipart/form-data; boundary=\(boundary)")
        return "\(folder)/\(file)"
    }

    public func fetch(_ task: VideoTask) async throws -> UpstreamSnapshot {
        switch try await outcome(of: task) {
        case .succeeded(let file?):
            let output = "\(http.baseURL)/view?\(file.viewQuery)"
            let snapshot = await keeper.snapshot(of: task, outputAt: output, upstream: upstreamName, now: now())
            if case .dreaming = snapshot {} else { machine.forget(task.id) }
            return snapshot
        case .succeeded(nil):
            machine.forget(task.id)
            let output = workflows.workflows[task.request.officialModel ?? ""]?.output ?? "?"
            return .failed(reason: "ComfyUI finished, but its output node \(output) saved no file.")
        case .failed(let reason):
            machine.forget(task.id)
            return .failed(reason: reason)
        case .absent:
            break
        }
        let queue = try await queue()
        if queue.running.contains(task.id) { return .dreaming }
        if queue.pending.contains(task.id) { return .queued }
        // It may have finished between the two looks.
        if try await outcome(of: task) != .absent { return try await fetch(task) }
        guard machine.mayResubmit(task.id) else {
            machine.forget(task.id)
            return .failed(reason: "ComfyUI lost this task twice (it restarted or its queue was cleared).")
        }
        try await post(task)
        return .queued
    }

    private func outcome(of task: VideoTask) async throws -> ComfyUIMapping.Outcome {
        let output = workflows.workflows[task.request.officialModel ?? ""]?.output ?? ""
        return try ComfyUIMapping.outcome(ofPrompt: task.id, history: try await http.send(.GET, "/history/\(task.id)"), output: output)
    }

    private func queue() async throws -> ComfyUIMapping.Queue {
        let queue = try ComfyUIMapping.queue(from: try await http.send(.GET, "/queue"))
        machine.record(queueLength: queue.count)
        return queue
    }

    public func nextPoll(for task: VideoTask, after snapshot: UpstreamSnapshot, now: Date) -> Date {
        polling.nextPoll(for: task, now: now)
    }

    /// The machine's socket: its queue length, and the progress and end of this gateway's prompts.
    /// Each time it connects (at start, and after the machine restarted), the machine's nodes and
    /// files are checked against the workflows: it takes no task of a model it cannot run.
    public func follow(_ report: @escaping @Sendable (UpstreamReport) async -> Void) async {
        let logger = Logger(label: "lumagate.comfyui")
        let socket = ComfyUISocket(baseURL: http.baseURL, clientID: clientID, apiKey: http.apiKey, machine: machine, logger: logger)
        await socket.follow(report, onConnect: { await checkModels(logger: logger) })
    }

    /// Reads `/object_info` and records which models the machine cannot run, saying why in the log.
    func checkModels(logger: Logger) async {
        do {
            let problems = workflows.check(against: try await ComfyUIMapping.ObjectInfo.read(from: http)).problems
            let before = Set(workflows.workflows.keys.filter(machine.cannotRun))
            machine.record(unrunnable: Set(problems.keys))
            for (model, found) in problems.sorted(by: { $0.key < $1.key }) where !before.contains(model) {
                logger.error("ComfyUI channel \(name) cannot run \(model), so takes none of its tasks: \(found.joined(separator: "; "))")
            }
        } catch {
            logger.warning("ComfyUI channel \(name): could not read its /object_info (\(error))")
        }
    }

    /// A queued prompt is taken out of the queue; a running one is interrupted.
    public func cancel(_ task: VideoTask) async {
        let ids = JSONValue.array([.string(task.id)])
        _ = try? await http.send(.POST, "/queue", body: JSONValue.object([("delete", ids)]).bytes())
        _ = try? await http.send(.POST, "/interrupt", body: JSONValue.object([("prompt_id", .string(task.id))]).bytes())
        machine.forget(task.id)
    }

    /// A task's seed, the same at every attempt: FNV-1a of its id, within the 53 bits a JSON
    /// number carries exactly.
    static func seed(of id: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(hash & ((1 << 53) - 1))
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
