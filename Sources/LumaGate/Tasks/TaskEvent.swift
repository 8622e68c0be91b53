/// One recorded state change of a task.
public struct TaskEvent: Sendable, Equatable {
    public var taskID: String
    public var fromState: TaskState?
    public var toState: TaskState
    public var reason: String
    public var atMillis: Int64
}
