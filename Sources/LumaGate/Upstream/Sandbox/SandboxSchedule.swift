/// How long a sandbox task spends in each state before it is rendered.
public struct SandboxSchedule: Sendable, Equatable {
    public var queuedSeconds: Double
    public var dreamingSeconds: Double

    public init(queuedSeconds: Double = 1, dreamingSeconds: Double = 2) {
        self.queuedSeconds = queuedSeconds
        self.dreamingSeconds = dreamingSeconds
    }
}
