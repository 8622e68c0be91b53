import Synchronization

/// What this gateway knows of one ComfyUI machine between calls: its queue's length (for
/// routing), the prompts it lost and was given again, and what its socket said of each prompt.
final class ComfyUIMachine: Sendable {
    private struct State {
        var queueLength: Int?
        var resubmitted: Set<String> = []
        var progress: [String: Double] = [:]
    }

    private let state = Mutex(State())

    /// Prompts queued or running there, when known.
    var queueLength: Int? { state.withLock { $0.queueLength } }

    func record(queueLength: Int) {
        state.withLock { $0.queueLength = max(0, queueLength) }
    }

    /// Whether prompt `id` may be given again (once, after the machine lost it); marks it given.
    func mayResubmit(_ id: String) -> Bool {
        state.withLock { $0.resubmitted.insert(id).inserted }
    }

    /// How far prompt `id` is, from 0 to 1, as its sampler's steps report it.
    func progress(of id: String) -> Double? { state.withLock { $0.progress[id] } }

    func record(progress: Double, of id: String) {
        state.withLock { $0.progress[id] = min(max(progress, 0), 1) }
    }

    /// Drops what is known of a finished prompt.
    func forget(_ id: String) {
        state.withLock {
            $0.progress[id] = nil
            $0.resubmitted.remove(id)
        }
    }
}
