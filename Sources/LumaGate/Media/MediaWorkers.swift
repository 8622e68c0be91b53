import Foundation
import Synchronization

/// Reading what a finished upstream generation is (its MP4's size and duration over HTTP Range,
/// its last frame and palette with ffmpeg) happens here, apart from the poller: a poll starts the
/// reading and comes back at once, and a later poll collects the media, so a slow file host holds
/// up no other task. At most `workers` readings run at once, `perToken` of them for one token.
final class MediaWorkers: Sendable {
    private enum Job {
        case running
        case finished(TaskMedia, at: Date)
    }

    private let jobs = Mutex<[String: Job]>([:])
    private let limiter: FairLimiter

    init(workers: Int, perToken: Int) {
        limiter = FairLimiter(total: workers, perKey: perToken)
    }

    /// `key`'s media once read (then forgotten); nil while the reading runs, which this starts
    /// with `read` when none has.
    func media(for key: String, tokenID: String, read: @escaping @Sendable () async -> TaskMedia) -> TaskMedia? {
        let (media, start): (TaskMedia?, Bool) = jobs.withLock { jobs in
            switch jobs[key] {
            case .finished(let media, _):
                jobs[key] = nil
                return (media, false)
            case .running:
                return (nil, false)
            case nil:
                jobs[key] = .running
                return (nil, true)
            }
        }
        if start {
            Task { [limiter] in
                let media = await limiter.holding(tokenID) { await read() }
                jobs.withLock { jobs in
                    // A reading no poll collects (its task was deleted or finished elsewhere) goes after a while.
                    let now = Date()
                    jobs = jobs.filter { if case .finished(_, let at) = $0.value { now.timeIntervalSince(at) < 600 } else { true } }
                    jobs[key] = .finished(media, at: now)
                }
            }
        }
        return media
    }

    /// Whether a reading for `key` runs or waits to be collected: its task is looked at again soon.
    func isBusy(_ key: String) -> Bool {
        jobs.withLock { $0[key] != nil }
    }
}
