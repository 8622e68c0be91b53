/// `waitUntilFinished` ran out of time before the task finished. The task goes on at the
/// gateway; its id and last known state are here so the caller can wait again or report it.
public struct LumaWaitTimeout: Error, Sendable, CustomStringConvertible {
    public var id: String
    public var lastState: LumaTaskState?
    public var elapsed: Duration

    public init(id: String, lastState: LumaTaskState?, elapsed: Duration) {
        self.id = id
        self.lastState = lastState
        self.elapsed = elapsed
    }

    public var description: String {
        "task \(id) was still \(lastState?.rawValue ?? "unknown") after \(elapsed.components.seconds) s"
    }
}
