import Foundation
import Synchronization

/// Requests per minute per token, as a token bucket: a client may burst up to its per-minute limit,
/// then gets one request per 60/limit seconds. Kept in memory: a restart forgets at most a minute
/// of history.
final class RequestRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    /// nil when the request may go ahead, else the seconds until it could.
    func delay(for tokenID: String, perMinute limit: Int, now: Date) -> Int? {
        let rate = Double(limit) / 60
        return buckets.withLock { buckets in
            var bucket = buckets[tokenID] ?? Bucket(tokens: Double(limit), updated: now)
            bucket.tokens = min(Double(limit), bucket.tokens + now.timeIntervalSince(bucket.updated) * rate)
            bucket.updated = now
            defer { buckets[tokenID] = bucket }
            guard bucket.tokens >= 1 else { return Int(((1 - bucket.tokens) / rate).rounded(.up)) }
            bucket.tokens -= 1
            return nil
        }
    }
}
