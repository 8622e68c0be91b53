import SQLKit

/// A SQL engine behind `Database`: how it hands out connections and runs transactions.
protocol SQLStore: Sendable {
    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// The poll path's read, which each engine runs its cheapest way: the owner and stored
    /// relay-format view of each of `ids` that is a video task and not deleted.
    func storedViews(ids: [String]) async throws -> [String: OwnedView]
    func close() async
}

/// A task's owner and its stored relay-format view.
typealias OwnedView = (tokenID: String, view: String)
