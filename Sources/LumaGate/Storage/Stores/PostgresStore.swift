import Foundation
import Logging
import NIOSSL
import PostgresKit
import SQLKit

/// A PostgreSQL server shared by every gateway process: a pool of connections, each transaction on
/// one of them at READ COMMITTED. What processes could race on is made safe in the SQL itself:
/// compare-and-set updates, conditional charges, row locks and `SKIP LOCKED` claims (see
/// `SQLDatabase+Locking`).
final class PostgresStore: SQLStore {
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let viewLookup: BatchedLookup<String, OwnedView>

    init(url: String, maximumConnections: Int = 16, logger: Logger) throws {
        var configuration = try Self.configuration(url: url)
        configuration.options.maximumConnections = maximumConnections
        // Each time a connection goes back to the pool, the pool starts an idle timer (and a
        // keep-alive timer) and cancels them when the connection is leased again. A cancelled
        // `Task.sleep` keeps its memory until its deadline (about 500 bytes each): with the
        // defaults (60 s and 30 s), 127,000 of them, 63 MiB of a 148 MiB heap, after three rounds
        // of queries over a million tasks. Closing a connection idle for 10 s bounds that to 10 s
        // of releases, and a keep-alive query (it would ping connections idle that long) is needless.
        configuration.options.connectionIdleTimeout = .seconds(10)
        configuration.options.keepAliveBehavior = nil
        // The pool's own chatter (such as a lease asked for in the instant before `run()` starts)
        // is noise; a connection that cannot be made fails the query that wanted it.
        var poolLogger = logger
        poolLogger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.client = client
        self.running = Task { await client.run() }
        // Two statements at a time carry any load: what arrives meanwhile goes in the next one.
        // With a million tasks (nearly every query a read) two gave 10,500-12,200 queries a
        // second against 8,800-9,100 with eight, whose smaller batches cost more per task.
        self.viewLookup = BatchedLookup(concurrency: 2) { ids in try await Self.storedViews(ids: ids, on: client) }
    }

    /// Reads `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
    /// (sslmode as in libpq, default prefer).
    static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let user = components.user, !user.isEmpty else {
            throw InvalidURL(detail: "a PostgreSQL URL looks like postgres://user:password@host:5432/database")
        }
        let tls: PostgresClient.Configuration.TLS
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        case let mode: throw InvalidURL(detail: "sslmode \(mode) is not one of disable, prefer, require")
        }
        let database = components.path.split(separator: "/").first.map(String.init)
        return PostgresClient.Configuration(
            host: components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost", port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user, password: components.password?.removingPercentEncoding,
            database: database ?? user, tls: tls)
    }

    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: nil))
        }
    }

    /// A lone task query waits for no one, and queries arriving while others read go together in
    /// one statement (a round trip each otherwise); prepared once per connection.
    func storedViews(ids: [String]) async throws -> [String: OwnedView] {
        guard ids.count == 1 else { return try await Self.storedViews(ids: ids, on: client) }
        return try await viewLookup.value(for: ids[0]).map { [ids[0]: $0] } ?? [:]
    }

    private static func storedViews(ids: [String], on client: PostgresClient) async throws -> [String: OwnedView] {
        var found: [String: OwnedView] = [:]
        for try await (id, tokenID, view) in try await client.execute(StoredViewsByID(ids: ids)) { found[id] = (tokenID, view) }
        return found
    }

    func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await retrying { connection in
            let sql = connection.sql(queryLogLevel: nil)
            try await sql.raw("BEGIN").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// One statement in autocommit: one round trip where BEGIN and COMMIT around it make three.
    func writeStatement<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await retrying { connection in try await body(connection.sql(queryLogLevel: nil)) }
    }

    private func retrying<T>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        var retries = 0
        while true {
            do {
                return try await client.withConnection(work)
            } catch let error as PSQLError where retries < 5 && Self.asksForRetry(error) {
                retries += 1
            }
        }
    }

    /// Runs `body` with the notifications on `channel`, on a connection of its own, until it
    /// returns or the connection fails.
    func listen(on channel: String, _ body: @escaping @Sendable (PostgresNotificationSequence) async throws -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: channel) { try await body($0) }
        }
    }

    /// Deadlocks and serialization failures leave nothing behind: running the transaction again is
    /// what the server asks for.
    private static func asksForRetry(_ error: PSQLError) -> Bool {
        ["40P01", "40001"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    struct InvalidURL: Error, CustomStringConvertible {
        let detail: String
        var description: String { detail }
    }

    /// Stops the pool, waiting at most a few seconds for it to close its connections: a close
    /// must never hang a shutdown (the server drops what is left when the process ends).
    func close() async {
        running.cancel()
        let running = running
        let (ended, ending) = AsyncStream<Void>.makeStream()
        Task {
            await running.value
            ending.yield()
        }
        Task {
            try? await Task.sleep(for: .seconds(5))
            ending.yield()
        }
        for await _ in ended { break }
    }
}
