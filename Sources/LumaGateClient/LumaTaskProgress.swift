/// What `waitUntilFinished` reports after each poll.
public struct LumaTaskProgress: Sendable {
    /// The task as the gateway just answered it.
    public var task: LumaTask
    /// Time since waiting began (not since the task was created).
    public var elapsed: Duration
    /// Whether `task.state` differs from the previous report's (always true for the first), so a
    /// caller that logs only changes need not remember the last state itself.
    public var stateChanged: Bool

    public var state: LumaTaskState { task.state }

    public init(task: LumaTask, elapsed: Duration, stateChanged: Bool) {
        self.task = task
        self.elapsed = elapsed
        self.stateChanged = stateChanged
    }
}
