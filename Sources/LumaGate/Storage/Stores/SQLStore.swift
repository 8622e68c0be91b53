import SQLKit

/// A SQL engine behind `Database`: how it hands out connections and runs transactions.
protocol SQLStore: Sendable {
    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// A write that `body` makes in a single statement, which commits whole or not at all on its
    /// own: a store may spare it a transaction around it.
    func writeStatement<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// The poll path's read, which each engine runs its cheapest way: the owner and stored
    /// relay-format view of each of `ids` that is a video task and not deleted.
    func storedViews(ids: [String]) async throws -> [String: OwnedView]
    func close() async
}

extension SQLStore {
    func writeStatement<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await write(body)
    }
}

/// A task's owner and its stored relay-format view.
typealias OwnedView = (tokenID: String, view: String)
