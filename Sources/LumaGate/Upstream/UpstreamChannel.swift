import Foundation

/// Where tasks are generated. A channel is stateless: it starts a generation and reports on it,
/// and never touches the database; the poller applies what it reports.
public protocol UpstreamChannel: Sendable {
    /// The name stored on each task, so a task keeps going to the channel that started it.
    var name: String { get }

    /// How many of its tasks the poller works at once.
    var concurrency: Int { get }

    /// Refuses, with a client-facing 400, a request this channel could never carry out.
    func validate(_ request: GenerationRequest) throws

    /// Starts the generation for `task` and returns the upstream's id for it. `parent` and `end`
    /// are the generations it opens on (an extension) and leads into, when it names any.
    func submit(_ task: VideoTask, parent: VideoTask?, end: VideoTask?) async throws -> String

    /// Where the generation stands now.
    func fetch(_ task: VideoTask) async throws -> UpstreamSnapshot

    /// When the poller should next look at `task`, given what it just saw.
    func nextPoll(for task: VideoTask, after snapshot: UpstreamSnapshot, now: Date) -> Date
}

extension UpstreamChannel {
    public func validate(_ request: GenerationRequest) throws {}
}
