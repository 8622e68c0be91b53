import Foundation
import Synchronization

/// Requests per minute per token. A token keeps a schedule: each request books the next slot at
/// the steady rate (60/limit seconds apart), and a request is refused when the schedule already
/// reaches a whole minute ahead. So a client may burst up to its per-minute limit, then gets one
/// request per 60/limit seconds (a token bucket, kept as one number).
///
/// A store that one process owns keeps schedules in memory (a restart forgets at most a minute of
/// history); a shared store keeps them in the database, so processes behind a load balancer hold
/// a token to one limit between them.
final class RequestRateLimiter: Sendable {
    private let shared: RequestScheduleRepository?
    private let bookedUntil = Mutex<[String: Int64]>([:])

    init(database: Database) {
        shared = database.isShared ? RequestScheduleRepository(database: database) : nil
    }

    /// nil when the request may go ahead, else the whole seconds until it could.
    func delay(for tokenID: String, perMinute limit: Int, now: Date) async throws -> Int? {
        let interval = 60_000_000 / Int64(max(limit, 1))
        let window = Int64(max(limit, 1)) * interval
        let micros = Int64(now.timeIntervalSince1970 * 1_000_000)
        let wait: Int64?
        if let shared {
            wait = try await shared.book(tokenID: tokenID, now: micros, interval: interval, window: window)
        } else {
            wait = bookedUntil.withLock { schedules in
                let next = max(schedules[tokenID] ?? micros, micros) + interval
                guard next - micros <= window else { return next - micros - window }
                schedules[tokenID] = next
                return nil
            }
        }
        return wait.map { Int(($0 + 999_999) / 1_000_000) }
    }
}
