import Synchronization

/// What this gateway knows of one ComfyUI machine between calls: its queue's length (for
/// routing), the models it cannot run (from its `/object_info`), and the prompts it lost and was
/// given again.
final class ComfyUIMachine: Sendable {
    private struct State {
        var queueLength: Int?
        var resubmitted: Set<String> = []
        var unrunnable: Set<String> = []
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

    /// Whether its last check found it cannot run `model` (until checked, it is taken to run all).
    func cannotRun(_ model: String) -> Bool { state.withLock { $0.unrunnable.contains(model) } }

    func record(unrunnable: Set<String>) {
        state.withLock { $0.unrunnable = unrunnable }
    }

    /// Drops what is known of a finished prompt.
    func forget(_ id: String) {
        _ = state.withLock { $0.resubmitted.remove(id) }
    }
}
