import Synchronization
import VaporCSQLite

/// Runs the poll path's one-row reads against the SQLite file on the calling thread, each
/// statement prepared once per connection.
///
/// A task query that misses the cache reads one row that is almost always in the page cache: a
/// few microseconds of SQLite. Through SQLiteNIO the same read is prepared again each time and
/// hops to its thread pool and back, which (perf, a million tasks) cost more than the read
/// itself. A read here can still wait on the disk, so only single-row lookups by key use it.
final class SQLiteDirectReader: Sendable {
    private let path: String
    private let state = Mutex(State())

    private struct State {
        var idle: [Connection] = []
        var closed = false
    }

    init(path: String) {
        self.path = path
    }

    /// For each of `values`, the text of each column of the first row `sql` returns with it bound
    /// to `?1`, or nil when it returns none (a NULL column reads as ""). Several values are read in
    /// one read transaction: one snapshot of the store, taken once instead of once per value.
    func firstRows(_ sql: String, bindingEach values: [String]) throws -> [[String]?] {
        let connection = try checkOut()
        defer { checkIn(connection) }
        let statement = try connection.statement(sql)
        let together = values.count > 1
        if together { try connection.run("BEGIN") }
        defer { if together { try? connection.run("COMMIT") } }
        return try values.map { try connection.firstRow(statement, binding: $0) }
    }

    /// Closes the idle connections now and the busy ones as they come back; reads after this fail.
    func close() {
        let idle = state.withLock { state in
            state.closed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle { connection.close() }
    }

    private func checkOut() throws -> Connection {
        let reused = try state.withLock { state -> Connection? in
            if state.closed { throw Failure(code: SQLITE_MISUSE, message: "the store is closed") }
            return state.idle.popLast()
        }
        return try reused ?? Connection(path: path)
    }

    /// Returns `connection` to the idle list, unless the store closed or a transaction it began
    /// did not end (it would hold its old snapshot for ever).
    private func checkIn(_ connection: Connection) {
        let keep =
            connection.inAutocommit
            && state.withLock { state in
                if !state.closed { state.idle.append(connection) }
                return !state.closed
            }
        if !keep { connection.close() }
    }

    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        let message: String
        var description: String { "SQLite error \(code): \(message)" }
    }

    /// One read-only connection with its prepared statements. Used by one thread at a time: it is
    /// taken out of the idle list for each read (so the pool grows to the number of threads that
    /// read at once, the cooperative pool's width).
    private final class Connection: @unchecked Sendable {
        private var handle: OpaquePointer?
        private var statements: [String: OpaquePointer] = [:]

        init(path: String) throws {
            let code = sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
            guard code == SQLITE_OK else {
                let failure = self.failure(code)
                close()
                throw failure
            }
            // A reader waits only while another connection recovers the WAL index: briefly.
            sqlite_nio_sqlite3_busy_timeout(handle, 1000)
        }

        func statement(_ sql: String) throws -> OpaquePointer {
            if let statement = statements[sql] { return statement }
            var statement: OpaquePointer?
            let code = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard code == SQLITE_OK, let statement else { throw failure(code) }
            statements[sql] = statement
            return statement
        }

        func firstRow(_ statement: OpaquePointer, binding value: String) throws -> [String]? {
            var value = value
            return try value.withUTF8 { bytes in
                // Bound without a copy (SQLITE_STATIC): the statement is reset before `bytes` goes away.
                defer {
                    sqlite_nio_sqlite3_reset(statement)
                    sqlite_nio_sqlite3_clear_bindings(statement)
                }
                var code = sqlite_nio_sqlite3_bind_text(statement, 1, bytes.baseAddress, Int32(bytes.count), nil)
                guard code == SQLITE_OK else { throw failure(code) }
                code = sqlite_nio_sqlite3_step(statement)
                switch code {
                case SQLITE_ROW:
                    return (0..<sqlite_nio_sqlite3_column_count(statement)).map { column in
                        guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return "" }
                        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
                    }
                case SQLITE_DONE:
                    return nil
                default:
                    throw failure(code)
                }
            }
        }

        /// Runs a statement that returns no rows (`BEGIN`, `COMMIT`).
        func run(_ sql: String) throws {
            let statement = try statement(sql)
            defer { sqlite_nio_sqlite3_reset(statement) }
            let code = sqlite_nio_sqlite3_step(statement)
            guard code == SQLITE_DONE else { throw failure(code) }
        }

        var inAutocommit: Bool { handle.map { sqlite_nio_sqlite3_get_autocommit($0) != 0 } ?? false }

        func failure(_ code: Int32) -> Failure {
            Failure(code: code, message: handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open")
        }

        func close() {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements = [:]
            sqlite_nio_sqlite3_close_v2(handle)
            handle = nil
        }

        deinit { close() }
    }
}
