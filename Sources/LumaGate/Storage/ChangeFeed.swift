import SQLKit

/// Hands the query cache the changes the store records (`M0013`): this process's before its write
/// returns, so a client reads its own changes at once, and other processes' within a bound.
protocol ChangeFeed: Sendable {
    /// Runs `transaction`, which runs `closing` as the last statement of its write, and returns
    /// once the changes it committed have reached the cache.
    func around<T>(_ transaction: (_ closing: (any SQLDatabase) async throws -> Void) async throws -> T) async throws -> T
    /// Follows every process's changes until cancelled.
    func follow() async
}
