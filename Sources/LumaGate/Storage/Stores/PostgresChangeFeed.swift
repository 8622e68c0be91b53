import Foundation
import PostgresNIO
import SQLKit
import Synchronization

/// Hears PostgreSQL's `lumagate_changes` notifications (sent by the store's triggers at each
/// commit, in commit order, whichever process made the change) on a connection of its own. Each
/// write of this process ends by notifying a marker of its own and waits (at most a second) to
/// hear it: by then every change it committed has been heard too. While not listening the cache
/// is off, and it starts empty each time listening starts again.
final class PostgresChangeFeed: ChangeFeed {
    static let channel = "lumagate_changes"

    private enum Marker {
        case waiting(CheckedContinuation<Void, Never>?)
        case heard
    }

    /// Runs its argument with the notifications on `channel`, on a connection of its own.
    typealias Listen = @Sendable (_ body: @escaping @Sendable (PostgresNotificationSequence) async throws -> Void) async throws -> Void

    private let listen: Listen
    private let cache: QueryCache
    private let markers = Mutex<[String: Marker]>([:])
    private let listening = Atomic<Bool>(false)

    init(cache: QueryCache, listen: @escaping Listen) {
        self.cache = cache
        self.listen = listen
    }

    func around<T>(_ transaction: (_ closing: (any SQLDatabase) async throws -> Void) async throws -> T) async throws -> T {
        guard listening.load(ordering: .acquiring) else { return try await transaction { _ in } }
        let marker = "marker:" + UUID().uuidString
        markers.withLock { $0[marker] = .waiting(nil) }
        let result: T
        do {
            result = try await transaction { sql in
                try await sql.raw("SELECT pg_notify(\(bind: Self.channel), \(bind: marker))").run()
            }
        } catch {
            markers.withLock { _ = $0.removeValue(forKey: marker) }
            throw error
        }
        await heard(marker)
        return result
    }

    private func heard(_ marker: String) async {
        let timeout = Task { [self] in
            try? await Task.sleep(for: .seconds(1))
            let waiting = markers.withLock { $0.removeValue(forKey: marker) }
            if case .waiting(let continuation?) = waiting { continuation.resume() }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = markers.withLock { markers -> Bool in
                switch markers[marker] {
                case .waiting?:
                    markers[marker] = .waiting(continuation)
                    return false
                case .heard?:
                    markers.removeValue(forKey: marker)
                    return true
                case nil:
                    return true  // timed out already
                }
            }
            if resumeNow { continuation.resume() }
        }
        timeout.cancel()
    }

    func follow() async {
        while !Task.isCancelled {
            do {
                try await listen { [self] notifications in
                    // Listening now: whatever was kept before may have missed a change.
                    cache.reset(active: true)
                    listening.store(true, ordering: .releasing)
                    for try await notification in notifications {
                        receive(notification.payload)
                    }
                }
            } catch {}
            listening.store(false, ordering: .releasing)
            cache.reset(active: false)
            releaseAllMarkers()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func receive(_ payload: String) {
        guard payload.hasPrefix("marker:") else {
            cache.forget(CollectionOfOne(payload))
            return
        }
        let waiting = markers.withLock { markers -> CheckedContinuation<Void, Never>? in
            guard case .waiting(let continuation)? = markers[payload] else { return nil }
            if let continuation {
                markers.removeValue(forKey: payload)
                return continuation
            }
            markers[payload] = .heard
            return nil
        }
        waiting?.resume()
    }

    private func releaseAllMarkers() {
        let all = markers.withLock { markers in
            defer { markers.removeAll() }
            return markers.values.compactMap { marker -> CheckedContinuation<Void, Never>? in
                if case .waiting(let continuation?) = marker { return continuation }
                return nil
            }
        }
        for continuation in all { continuation.resume() }
    }
}
