/// A relay-format task's state. States only move forward:
/// `pending → processing → completed | failed`.
public enum LumaTaskState: String, Codable, Sendable, CaseIterable {
    case pending
    case processing
    case completed
    case failed

    /// Completed or failed: the task will never change again.
    public var isFinished: Bool { self == .completed || self == .failed }
}
