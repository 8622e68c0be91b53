import Foundation
import Hummingbird
import NIOFoundationCompat
import Logging

/// Receives the Generation objects Luma posts to `callback_url`. The URL's secret names the
/// task; the body must be about that task's generation. The answer comes at once; reading the
/// finished media and moving the task happen afterwards, through the poller's compare-and-set
/// transitions, so Luma's retries and races with polls are harmless.
struct DreamMachineCallbackController {
    let channels: [String: DreamMachineChannel]
    let tasks: TaskRepository
    let poller: Poller
    let logger: Logger
    static let maxBodyBytes = 1024 * 1024

    init(tasks: TaskRepository, channels: [DreamMachineChannel], poller: Poller, logger: Logger) {
        self.tasks = tasks
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.poller = poller
        self.logger = logger
    }

    func register(on router: Router<GatewayRequestContext>) {
        router.post("callbacks/dream-machine/:secret", use: receive)
    }

    @Sendable func receive(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let secret = try context.parameters.require("secret")
        // The body first: one too large is a 413 whatever its URL names.
        let body = Data(buffer: try await request.body.collect(upTo: Self.maxBodyBytes))
        guard var task = try await tasks.find(callbackSecret: secret) else {
            throw GatewayError.notFound("No task waits for this callback.")
        }
        // The upstream may call back before its answer to the submit is recorded here (on a busy
        // machine, or when another process submitted): wait a little for that record.
        for _ in 0..<25 where task.upstreamID == nil {
            try await Task.sleep(for: .milliseconds(200))
            task = try await tasks.find(id: task.id) ?? task
        }
        guard let channel = channels[task.channel] else {
            throw GatewayError.notFound("No task waits for this callback.")
        }
        let generation: DreamMachineGeneration
        do {
            generation = try DreamMachineMapping.generation(from: body)
        } catch {
            throw GatewayError.invalidRequest("The callback body is not a Generation object.")
        }
        guard generation.id == task.upstreamID else {
            throw GatewayError.invalidRequest("The callback names another generation than this task's.")
        }
        Task { [channel, poller, logger] in
            do {
                await poller.receive(try await channel.snapshot(of: generation, for: task), for: task)
            } catch {
                logger.warning("callback for task \(task.id) not applied: \(error)")
            }
        }
        return .json(.object([("status", .string("accepted"))]))
    }
}
