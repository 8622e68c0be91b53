import SQLKit

/// A SQL engine behind `Database`: how it hands out connections and runs transactions.
protocol SQLStore: Sendable {
    var readerCount: Int { get }
    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
}
