/// When a failed task's price goes back to its token, decided in one place. The refund itself is
/// written by the one transition to `failed` that wins its compare-and-set, in the same
/// transaction (`TaskRepository.transition`), and the ledger's unique (task, kind) index refuses a
/// second one whatever happens.
public enum RefundPolicy {
    /// Why a task failed, as far as money is concerned.
    public enum Cause: Sendable, Equatable {
        /// It was not made: refused or failed upstream, timed out, or taken by no channel.
        case notMade
        /// Its owner deleted it before it finished. `acceptedByPaidUpstream`: a paid upstream had
        /// already taken it, and the operator is charged for that generation whether or not it
        /// is watched.
        case deletedByOwner(acceptedByPaidUpstream: Bool)
    }

    /// Whether failing for `cause` gives the price back: always, except for a task its owner
    /// deleted after a paid upstream took it (a refund would make submit-then-delete a way to
    /// spend the operator's credit for free).
    public static func refunds(_ cause: Cause) -> Bool {
        cause != .deletedByOwner(acceptedByPaidUpstream: true)
    }

    /// The failure reason a deleted task is left with, saying what happened to its price.
    static func deletionReason(acceptedByPaidUpstream: Bool) -> String {
        acceptedByPaidUpstream
            ? "Deleted by its owner after the upstream accepted it; the upstream was asked to stop, and the price is kept."
            : "Deleted by its owner before it finished."
    }
}
