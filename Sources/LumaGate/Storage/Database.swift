import Foundation
import Logging
import SQLKit

/// The gateway's SQL store, through SQLKit: an embedded SQLite file that one process owns, or a
/// PostgreSQL server that any number of gateway processes share. Repositories see only this type:
/// reads on any connection, and writes as whole transactions that commit or leave no trace.
public final class Database: Sendable {
    public let location: DatabaseLocation
    private let store: any SQLStore

    private init(location: DatabaseLocation, store: any SQLStore) {
        self.location = location
        self.store = store
    }

    /// Opens (creating if needed) the store at `location` and brings its schema up to date.
    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> Database {
        let store: any SQLStore
        switch location {
        case .sqlite(let path): store = try await SQLiteStore.open(path: path, logger: logger)
        case .postgres(let url): store = try PostgresStore(url: url, logger: logger)
        }
        let database = Database(location: location, store: store)
        do {
            try await Migrator(migrations: Migrations.all).migrate(database)
        } catch {
            await database.close()
            throw error
        }
        return database
    }

    public var description: String { location.description }

    /// Whether other processes may work on the same store at the same time (so leases left by a
    /// dead process expire rather than being freed at start).
    public var isShared: Bool {
        if case .postgres = location { return true }
        return false
    }

    /// How many reads can run at once.
    public var readerCount: Int { store.readerCount }

    /// Runs read-only work on a connection of its own.
    public func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await store.read(body)
    }

    /// Runs `body` in one write transaction: all of it commits, or none of it does. `body` may run
    /// more than once when the server asks for a retry (a deadlock or serialization failure).
    public func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await store.write(body)
    }

    public func close() async {
        await store.close()
    }
}
