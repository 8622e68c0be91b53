import Foundation
import Synchronization

/// Remembers recent token checks for a moment, so the hot query path does not read the tokens
/// table on every request. A revoked token is refused within `lifetime` at most; revocations
/// made through this process take effect at once.
public final class TokenCache: Sendable {
    private struct Entry {
        var check: TokenService.Check
        var expires: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: TimeInterval
    private let capacity: Int

    public init(lifetime: TimeInterval = 1, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func check(secretHash: String, now: Date) -> TokenService.Check? {
        entries.withLock { entries in
            guard let entry = entries[secretHash], entry.expires > now else { return nil }
            return entry.check
        }
    }

    func remember(_ check: TokenService.Check, secretHash: String, now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[secretHash] = Entry(check: check, expires: now.addingTimeInterval(lifetime))
        }
    }

    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}
