import Foundation
import Synchronization

/// Fresh request ids in a UUID's shape: the first 20 digits drawn once per process, the last 12 a
/// counter, so ids stay unique across processes and restarts without drawing a random UUID per
/// request (which cost more than the task query's cache lookup).
enum RequestIDs {
    private static let start = UUID().uuidString.lowercased().prefix(24)
    private static let counter = Atomic<UInt64>(0)

    static func next() -> String {
        let count = String(counter.add(1, ordering: .relaxed).newValue & 0xFFFF_FFFF_FFFF, radix: 16)
        return start + String(repeating: "0", count: 12 - count.utf8.count) + count
    }
}
