import Logging
import ServiceLifecycle

/// How the gateway's background sweeps run: a round now, then one every `interval` until the
/// service is asked to shut down. A round that fails is logged and the next comes as usual.
enum Rounds {
    static func run(every interval: Duration, logger: Logger, failure: String, _ round: () async throws -> Void) async {
        repeat {
            do {
                try await round()
            } catch {
                logger.warning("\(failure): \(error)")
            }
        } while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: interval) })) != nil
    }
}
