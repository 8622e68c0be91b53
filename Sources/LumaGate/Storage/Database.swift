import Foundation
import Logging
import SQLKit
import Synchronization

/// The gateway's SQL store, through SQLKit: an embedded SQLite file that one process owns, or a
/// PostgreSQL server that any number of gateway processes share. Repositories see only this type:
/// reads on any connection, and writes as whole transactions that commit or leave no trace.
public final class Database: Sendable {
    public let location: DatabaseLocation
    private let store: any SQLStore
    /// The poll path's memory, when the process serves queries (see `QueryCache`).
    let queryCache: QueryCache?
    private let feed = Mutex<(any ChangeFeed)?>(nil)
    private let following = Mutex<Task<Void, Never>?>(nil)

    private init(location: DatabaseLocation, store: any SQLStore, queryCache: QueryCache?) {
        self.location = location
        self.store = store
        self.queryCache = queryCache
    }

    /// Opens (creating if needed) the store at `location` and brings its schema up to date. With
    /// `queryCacheBytes` (a serving process), tokens and task views are kept in memory up to that
    /// many bytes (0: none) and forgotten as the store records their changes; the process also
    /// empties SQLite's change log as it reads it.
    public static func open(_ location: DatabaseLocation, queryCacheBytes: Int? = nil, logger: Logger) async throws -> Database {
        let store: any SQLStore
        switch location {
        case .sqlite(let path): store = try await SQLiteStore.open(path: path, logger: logger)
        case .postgres(let url): store = try PostgresStore(url: url, logger: logger)
        }
        let cache = queryCacheBytes.map(QueryCache.init(maxBytes:))
        let database = Database(location: location, store: store, queryCache: cache)
        do {
            try await Migrator(migrations: Migrations.all).migrate(database)
        } catch {
            await database.close()
            throw error
        }
        if let cache {
            let feed: any ChangeFeed =
                switch store {
                case let postgres as PostgresStore:
                    PostgresChangeFeed(cache: cache, listen: { try await postgres.listen(on: PostgresChangeFeed.channel, $0) })
                default: SQLiteChangeFeed(database: database, cache: cache)
                }
            database.feed.withLock { $0 = feed }
            database.following.withLock { $0 = Task { await feed.follow() } }
        }
        return database
    }

    public var description: String { location.description }

    /// Woken by every change of a task the store records, from any process (a serving process's).
    var watchers: TaskWatchers? { queryCache?.watchers }

    /// Whether other processes may work on the same store at the same time (so leases left by a
    /// dead process expire rather than being freed at start).
    public var isShared: Bool {
        if case .postgres = location { return true }
        return false
    }

    /// The owner and stored relay-format view of each of `ids` that is a video task and not
    /// deleted: the poll path's read.
    func storedViews(ids: [String]) async throws -> [String: OwnedView] {
        try await store.storedViews(ids: ids)
    }

    /// Runs read-only work on a connection of its own.
    public func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await store.read(body)
    }

    /// Runs `body` in one write transaction: all of it commits, or none of it does. `body` may run
    /// more than once when the server asks for a retry (a deadlock or serialization failure).
    /// Returns once this process's query cache has forgotten what the transaction changed. A
    /// transaction that changes no task's view, owner or deletion and no token but its spending
    /// (a submit, the poller's leases) says `changesCachedRows: false` and is spared that round
    /// (on PostgreSQL a notification sent and heard back).
    public func write<T>(changesCachedRows: Bool = true, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        guard changesCachedRows, let feed = feed.withLock({ $0 }) else { return try await store.write(body) }
        return try await feed.around { closing in
            try await store.write { sql in
                let result = try await body(sql)
                try await closing(sql)
                return result
            }
        }
    }

    /// A write that `body` makes in one statement and that changes no cached rows (like the
    /// poller's leases): atomic on its own, so the store may run it without a transaction around
    /// it. `body` may run more than once, as with `write`.
    func writeStatement<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await store.writeStatement(body)
    }

    public func close() async {
        following.withLock { $0?.cancel() }
        // The SQLite feed holds this database: let go of it so both can be freed.
        feed.withLock { $0 = nil }
        await store.close()
    }
}
