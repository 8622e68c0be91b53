import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Test equipment's HTTP server: a router served on a free port of 127.0.0.1 until `stop()`.
final class LocalServer: Sendable {
    let baseURL: String
    private let services: ServiceGroup
    private let running: Task<Void, any Error>

    /// `server` adds what plain HTTP/1 lacks (a WebSocket upgrade).
    static func start(_ router: Router<BasicRequestContext>, label: String, server: HTTPServerBuilder = .http1()) async throws -> LocalServer {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: label)
        logger.logLevel = .warning
        let app = Application(
            router: router, server: server, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        // Whatever ends the services also ends the wait for a port: a server that cannot start
        // fails its test instead of hanging it.
        let running = Task {
            defer { portContinuation.finish() }
            try await services.run()
        }
        guard let port = await ports.first(where: { _ in true }) else { throw TestFailure("\(label) did not start") }
        return LocalServer(baseURL: "http://127.0.0.1:\(port)", services: services, running: running)
    }

    private init(baseURL: String, services: ServiceGroup, running: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.services = services
        self.running = running
    }

    func stop() async {
        await services.triggerGracefulShutdown()
        _ = await running.result
    }
}
