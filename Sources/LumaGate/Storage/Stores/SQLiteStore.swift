import Foundation
import Logging
import SQLiteKit
import SQLKit
import Synchronization

/// An embedded SQLite file in WAL mode.
///
/// Reads go round-robin over a few connections, so queries never wait behind a write; writes go
/// through one connection, serialized, committed in groups (see `write`). `BEGIN IMMEDIATE` takes
/// SQLite's write lock up front, and `busy_timeout` lets a second process (the `token` commands
/// while `serve` runs) wait its turn instead of failing.
final class SQLiteStore: SQLStore {
    private let readers: [any SQLDatabase]
    private let writer: any SQLDatabase
    private let connections: [SQLiteConnection]
    private let directReader: SQLiteDirectReader
    private let writeLock = AsyncSemaphore(permits: 1)
    private let group = Mutex(Group())
    private let nextReader = Atomic<Int>(0)

    private init(readers: [any SQLDatabase], writer: any SQLDatabase, connections: [SQLiteConnection], directReader: SQLiteDirectReader) {
        self.readers = readers
        self.writer = writer
        self.connections = connections
        self.directReader = directReader
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
        return SQLiteStore(
            readers: Array(databases.dropFirst()), writer: databases[0], connections: connections, directReader: SQLiteDirectReader(path: path))
    }

    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).oldValue
        return try await body(readers[index % readers.count])
    }

    /// One-row reads by id on the calling thread, all in one read transaction (see `SQLiteDirectReader`).
    func storedViews(ids: [String]) async throws -> [String: OwnedView] {
        var found: [String: OwnedView] = [:]
        for (id, row) in zip(ids, try directReader.firstRows(Self.storedViewByID, bindingEach: ids)) {
            if let row { found[id] = (row[0], row[1]) }
        }
        return found
    }

    private static let storedViewByID = "SELECT token_id, luma_view FROM tasks WHERE id = ?1 AND kind = 'video' AND deleted_at IS NULL"

    /// Writes group-commit: one that arrives while another's transaction is open joins it, in a
    /// savepoint of its own (its failure undoes only its changes), and every write of the group
    /// returns after the one commit. A commit costs a sync of the file (`synchronous = FULL`), and
    /// one per write held submits under a thousand a second; each write still returns only once
    /// its changes are durable.
    func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let outcome = Outcome<T>()
            let joined: (any Error)?? = await withCheckedContinuation { continuation in
                let write = JoinedWrite(
                    run: { sql in await outcome.capture { try await body(sql) } },
                    finish: { continuation.resume(returning: .some($0)) })
                let accepted = group.withLock { group in
                    guard group.open, group.joined < Self.maxGroup else { return false }
                    group.joined += 1
                    group.waiting.append(write)
                    return true
                }
                if !accepted { continuation.resume(returning: .none) }
            }
            switch joined {
            case .none: return try await lead(body)
            case .some(let failure?): throw failure
            case .some(nil): return try outcome.result!.get()
            }
        }
    }

    /// Runs `body` in a transaction that the writes arriving meanwhile join, then commits them all.
    private func lead<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        await writeLock.wait()
        group.withLock { $0 = Group(open: true) }
        let outcome = Outcome<T>()
        var ran: [JoinedWrite] = []
        var failure: (any Error)?
        do {
            try await writer.raw("BEGIN IMMEDIATE").run()
            try await inSavepoint { sql in await outcome.capture { try await body(sql) } }
            while true {
                let next = group.withLock { group in
                    defer { group.waiting = [] }
                    if group.waiting.isEmpty { group.open = false }
                    return group.waiting
                }
                if next.isEmpty { break }
                ran += next
                for write in next {
                    guard let run = write.run else { continue }
                    // Dropped before anyone is told: the closure must not outlive its caller's call.
                    write.run = nil
                    try await inSavepoint(run)
                }
            }
            try await writer.raw("COMMIT").run()
        } catch {
            failure = error
            try? await writer.raw("ROLLBACK").run()
            let stranded = group.withLock { group in
                defer { group = Group() }
                return group.waiting
            }
            ran += stranded
            for write in ran { write.run = nil }
        }
        await writeLock.signal()
        for write in ran { write.finish(failure) }
        if let failure { throw failure }
        return try outcome.result!.get()
    }

    /// Runs `work` (which reports whether it succeeded) in a savepoint, undone if it did not.
    private func inSavepoint(_ work: (any SQLDatabase) async -> Bool) async throws {
        try await writer.raw("SAVEPOINT write").run()
        if await work(writer) {
            try await writer.raw("RELEASE write").run()
        } else {
            try await writer.raw("ROLLBACK TO write").run()
            try await writer.raw("RELEASE write").run()
        }
    }

    /// At most this many writes join one transaction, so a steady stream still commits.
    private static let maxGroup = 64

    private struct Group {
        var open = false
        var joined = 0
        var waiting: [JoinedWrite] = []
    }

    /// A write run in another's transaction: `run` reports whether its body succeeded, `finish`
    /// tells its caller how the commit went (nil: committed).
    private final class JoinedWrite: @unchecked Sendable {
        var run: ((any SQLDatabase) async -> Bool)?
        let finish: ((any Error)?) -> Void

        init(run: @escaping (any SQLDatabase) async -> Bool, finish: @escaping ((any Error)?) -> Void) {
            self.run = run
            self.finish = finish
        }
    }

    /// What a write's body returned or threw.
    private final class Outcome<T>: @unchecked Sendable {
        var result: Result<T, any Error>?

        func capture(_ body: () async throws -> T) async -> Bool {
            do {
                result = .success(try await body())
                return true
            } catch {
                result = .failure(error)
                return false
            }
        }
    }

    func close() async {
        directReader.close()
        for connection in connections { try? await connection.close() }
    }
}
