import Foundation

/// Where tasks are generated. A channel is stateless: it starts a generation and reports on it,
/// and never touches the database; the poller applies what it reports.
public protocol UpstreamChannel: Sendable {
    /// The name stored on each task, so a task keeps going to the channel that started it.
    var name: String { get }

    /// Its kind (`dream-machine`, `sandbox`...): the model catalogue names the kinds that can make each model.
    var kind: ChannelRecord.Kind { get }

    /// How many of its tasks the poller works at once.
    var concurrency: Int { get }

    /// Who makes its videos, as a failure reason names it ("Luma", "ComfyUI").
    var upstreamName: String { get }

    /// Generations waiting or running at its upstream, when it knows: among channels of one
    /// priority, the shortest queue goes first.
    var queueLength: Int? { get }

    /// Whether the operator pays for what this channel generates (every channel but the sandbox).
    var isPaid: Bool { get }

    /// Whether it makes every model of the catalogue, whatever channel kinds a model names (the sandbox).
    var drawsEveryModel: Bool { get }

    /// How long its generations usually take, when it knows better than the model's catalogue entry.
    func expectedSeconds(for task: VideoTask) -> Double?

    /// Whether this kind of upstream can carry out `request` at all (routing skips it if not);
    /// whether it may make the request's model is the catalogue's to say.
    func supports(_ request: GenerationRequest) -> Bool

    /// Refuses, with a client-facing 400, a request this channel could never carry out.
    func validate(_ request: GenerationRequest) throws

    /// Starts the generation for `task` and returns the upstream's id for it. `parent` and `end`
    /// are the generations it opens on (an extension) or acts on (an edit) and leads into, when it
    /// names any.
    func submit(_ task: VideoTask, parent: VideoTask?, end: VideoTask?) async throws -> String

    /// Where the generation stands now.
    func fetch(_ task: VideoTask) async throws -> UpstreamSnapshot

    /// Where many generations stand, by task id, asked in as few requests as the upstream allows.
    /// Tasks left out are asked one by one with `fetch(_:)`.
    func fetchMany(_ tasks: [VideoTask]) async -> [String: Result<UpstreamSnapshot, any Error>]

    /// When the poller should next look at `task`, given what it just saw.
    func nextPoll(for task: VideoTask, after snapshot: UpstreamSnapshot, now: Date) -> Date

    /// Asks the upstream to stop `task`'s generation, where its API allows; a failure changes
    /// nothing (the task is already final here).
    func cancel(_ task: VideoTask) async

    /// Hands what the upstream pushes about its generations to `report` until cancelled; returns
    /// at once for an upstream that pushes nothing (polls alone follow it).
    func follow(_ report: @escaping @Sendable (UpstreamReport) async -> Void) async
}

extension UpstreamChannel {
    public func supports(_ request: GenerationRequest) -> Bool { true }

    public var isPaid: Bool { true }

    public var upstreamName: String { "Luma" }

    public var queueLength: Int? { nil }

    public var drawsEveryModel: Bool { false }

    public func expectedSeconds(for task: VideoTask) -> Double? { nil }

    /// No way to stop a generation upstream: it runs to its end.
    public func cancel(_ task: VideoTask) async {}

    public func validate(_ request: GenerationRequest) throws {}

    public func follow(_ report: @escaping @Sendable (UpstreamReport) async -> Void) async {}

    /// No batch query: every task is asked one by one.
    public func fetchMany(_ tasks: [VideoTask]) async -> [String: Result<UpstreamSnapshot, any Error>] { [:] }
}
