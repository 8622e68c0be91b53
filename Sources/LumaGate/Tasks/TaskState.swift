/// Where a task is in its life. States only move forward; `completed` and `failed` are final.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    case pending
    case processing
    case completed
    case failed

    public var isTerminal: Bool { self == .completed || self == .failed }

    /// The states a task may leave for `next`. Transitions are compare-and-set against these,
    /// so a late poll or a duplicate event can never move a task backwards.
    public func canMove(to next: TaskState) -> Bool {
        switch (self, next) {
        case (.pending, .processing), (.pending, .completed), (.pending, .failed),
            (.processing, .completed), (.processing, .failed):
            return true
        default:
            return false
        }
    }
}
