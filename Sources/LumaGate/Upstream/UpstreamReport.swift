/// What an upstream pushes about a generation between polls (a ComfyUI machine's socket).
public enum UpstreamReport: Sendable, Equatable {
    /// Something changed: the task is worth a poll now.
    case changed(taskID: String)
    /// How far it is, from 0 to 1.
    case progress(taskID: String, fraction: Double)
}
