/// One recorded state change of a task.
public struct TaskEvent: Sendable, Equatable {
    public var taskID: String
    public var fromState: TaskState?
    public var toState: TaskState
    public var reason: String
    public var atMillis: Int64

    /// When a task with these state changes (oldest first) left `pending`, if it has.
    static func startedAtMillis(_ events: [TaskEvent]) -> Int64? {
        events.first { $0.toState != .pending }?.atMillis
    }
}
