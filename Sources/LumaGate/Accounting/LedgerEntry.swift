/// One movement of credits: a task's charge when it is stored, or its refund when it fails.
/// A task has at most one of each (a unique index says so).
public struct LedgerEntry: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case charge
        case refund
    }

    public var tokenID: String
    public var taskID: String
    public var kind: Kind
    public var amount: Int64
    public var atMillis: Int64
    public var reason: String
}
