import Foundation
import Logging
import SQLiteKit
import SQLKit
import Synchronization

/// An embedded SQLite file in WAL mode.
///
/// Reads go round-robin over a few connections, so queries never wait behind a write; writes go
/// through one connection, serialized, each in its own transaction. `BEGIN IMMEDIATE` takes
/// SQLite's write lock up front, and `busy_timeout` lets a second process (the `token` commands
/// while `serve` runs) wait its turn instead of failing.
final class SQLiteStore: SQLStore {
    private let readers: [any SQLDatabase]
    private let writer: any SQLDatabase
    private let connections: [SQLiteConnection]
    private let writeLock = AsyncSemaphore(permits: 1)
    private let nextReader = Atomic<Int>(0)

    private init(readers: [any SQLDatabase], writer: any SQLDatabase, connections: [SQLiteConnection]) {
        self.readers = readers
        self.writer = writer
        self.connections = connections
    }

    static func open(path: String, readerCount: Int = 4, logger: Logger) async throws -> SQLiteStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var connections: [SQLiteConnection] = []
        do {
            for _ in 0...readerCount {
                let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                connections.append(connection)
                let sql = connection.sql()
                try await sql.raw("PRAGMA busy_timeout = 10000").run()
                try await sql.raw("PRAGMA foreign_keys = ON").run()
                if connections.count == 1 {
                    try await sql.raw("PRAGMA journal_mode = WAL").run()
                }
                // FULL: a committed task or charge survives even a power cut, not only a crash.
                try await sql.raw("PRAGMA synchronous = FULL").run()
            }
        } catch {
            for connection in connections { try? await connection.close() }
            throw error
        }
        let databases = connections.map { $0.sql() }
        return SQLiteStore(readers: Array(databases.dropFirst()), writer: databases[0], connections: connections)
    }

    var readerCount: Int { readers.count }

    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).oldValue
        return try await body(readers[index % readers.count])
    }

    func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        await writeLock.wait()
        do {
            try await writer.raw("BEGIN IMMEDIATE").run()
            let result: T
            do {
                result = try await body(writer)
                try await writer.raw("COMMIT").run()
            } catch {
                try? await writer.raw("ROLLBACK").run()
                throw error
            }
            await writeLock.signal()
            return result
        } catch {
            await writeLock.signal()
            throw error
        }
    }

    func close() async {
        for connection in connections { try? await connection.close() }
    }
}
