import Logging
import ServiceLifecycle

/// Folds the count deltas PostgreSQL's triggers append (`M0017_KeepCountsByDeltas`) into the
/// kept counts every `interval`, so reading a count adds a second's worth of deltas at most.
/// Every process serving from PostgreSQL runs one; they take turns by an advisory lock. (SQLite
/// has nothing to fold.)
struct KeptCountsFolder: Service {
    let database: Database
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await Rounds.run(every: interval, logger: logger, failure: "could not fold the kept counts") {
            try await database.write(changesCachedRows: false) { sql in try await M0017_KeepCountsByDeltas.fold(sql) }
        }
    }
}
