import Foundation
import SQLKit
import Synchronization

/// Reads SQLite's `cache_changes` log: after each of this process's writes, and every
/// `interval` for the `lumagate` commands run against the same file. Only the process serving
/// from the file reads the log, so it also empties it.
final class SQLiteChangeFeed: ChangeFeed {
    private let database: Database
    private let cache: QueryCache
    private let interval: Duration
    private let lastSeen = Mutex<Int64>(0)

    init(database: Database, cache: QueryCache, interval: Duration = .milliseconds(100)) {
        self.database = database
        self.cache = cache
        self.interval = interval
    }

    func around<T>(_ transaction: (_ closing: (any SQLDatabase) async throws -> Void) async throws -> T) async throws -> T {
        let result = try await transaction { _ in }
        await catchUp()
        return result
    }

    private func catchUp() async {
        do {
            while true {
                let after = lastSeen.withLock { $0 }
                let rows = try await database.read { sql in
                    try await sql.raw("SELECT seq, key FROM cache_changes WHERE seq > \(bind: after) ORDER BY seq LIMIT 1000").all()
                }
                guard let last = rows.last else { return }
                cache.forget(try rows.map { try $0.decode(column: "key", as: String.self) })
                let seq = try last.decode(column: "seq", as: Int64.self)
                lastSeen.withLock { $0 = max($0, seq) }
                if rows.count < 1000 { return }
            }
        } catch {
            // What changed is unknown: nothing kept may be trusted.
            cache.reset(active: true)
        }
    }

    func follow() async {
        // Changes from before this process started concern nothing it keeps.
        if let start = try? await database.read({ sql in
            try await sql.raw("SELECT COALESCE(MAX(seq), 0) AS seq FROM cache_changes").first()?.decode(column: "seq", as: Int64.self)
        }) {
            lastSeen.withLock { $0 = start }
        }
        cache.reset(active: true)
        var rounds = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await catchUp()
            rounds += 1
            if rounds % 100 == 0 {
                let seen = lastSeen.withLock { $0 }
                _ = try? await database.write { sql in try await sql.raw("DELETE FROM cache_changes WHERE seq <= \(bind: seen)").run() }
            }
        }
    }
}
