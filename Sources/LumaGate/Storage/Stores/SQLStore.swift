import SQLKit

/// A SQL engine behind `Database`: how it hands out connections and runs transactions.
protocol SQLStore: Sendable {
    var readerCount: Int { get }
    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// One-row reads on the calling thread, where the engine makes them cheaper than `read`.
    var directReader: SQLiteDirectReader? { get }
    func close() async
}

extension SQLStore {
    var directReader: SQLiteDirectReader? { nil }
}
