import AsyncHTTPClient
import Foundation
import Logging
import LumaGate
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import ServiceLifecycle
import Synchronization

/// A real gateway for a test: its own SQLite file and media folder in a temporary directory,
/// listening on a free port of 127.0.0.1, spoken to over real HTTP.
final class TestGateway: Sendable {
    let gateway: Gateway
    let directory: String
    let baseURL: String
    private let services: ServiceGroup
    private let running: Task<Void, any Error>

    /// Sandbox stages are short so tests finish fast; the poller runs unless `configure` says not.
    static func start(
        directory: String? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        configure: (inout GatewayConfiguration) -> Void = { _ in }
    ) async throws -> TestGateway {
        let directory = directory ?? Self.temporaryDirectory()
        var configuration = GatewayConfiguration()
        configuration.port = 0
        configuration.dataDirectory = directory
        configuration.database = try await TestStore.createdLocation(for: directory)
        configuration.sandbox = SandboxSchedule(queuedSeconds: 0.2, dreamingSeconds: 0.3)
        configuration.poller.idleInterval = .milliseconds(50)
        // Webhook receivers in tests listen on 127.0.0.1.
        configuration.outboundAllowHosts = ["127.0.0.1"]
        TestMedia.configure(&configuration, directory: directory)
        configure(&configuration)
        var logger = Logger(label: "lumagate-test")
        logger.logLevel = .warning
        let gateway = try await Gateway.open(configuration, now: now, logger: logger)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = gateway.application(onServerRunning: { port in portContinuation.yield(port) })
        let services = gateway.services(running: app, signals: [])
        // Whatever ends the services also ends the wait for a port: a server that cannot start
        // fails its test instead of hanging it.
        let running = Task {
            defer { portContinuation.finish() }
            try await services.run()
        }
        guard let port = await ports.first(where: { _ in true }) else {
            throw TestFailure("the gateway did not start")
        }
        return TestGateway(gateway: gateway, directory: directory, baseURL: "http://127.0.0.1:\(port)", services: services, running: running)
    }

    /// A fresh data directory whose store already holds `channels` (as `lumagate channel add` would).
    static func directory(with channels: [ChannelRecord]) async throws -> String {
        let directory = temporaryDirectory()
        let database = try await TestStore.open(directory: directory)
        for channel in channels { _ = try await ChannelRepository(database: database).add(channel) }
        await database.close()
        return directory
    }

    /// Runs `body` against a fresh gateway and stops it afterwards, whatever happens.
    static func with<T>(
        directory: String? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        _ body: (TestGateway) async throws -> T
    ) async throws -> T {
        let gateway = try await start(directory: directory, now: now, configure: configure)
        do {
            let result = try await body(gateway)
            await gateway.stop()
            return result
        } catch {
            await gateway.stop()
            throw error
        }
    }

    private init(gateway: Gateway, directory: String, baseURL: String, services: ServiceGroup, running: Task<Void, any Error>) {
        self.gateway = gateway
        self.directory = directory
        self.baseURL = baseURL
        self.services = services
        self.running = running
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "lumagate-tests/" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Stops serving and closes the store; the data directory stays for a restart.
    func stop() async {
        await services.triggerGracefulShutdown()
        _ = await running.result
        await gateway.shutdown()
    }

    func createToken(_ name: String = "client-\(UUID().uuidString.prefix(8))") async throws -> String {
        try await gateway.tokens.create(name: name).secret
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends one request; `json` is sent as an application/json body unless headers say otherwise.
    /// `timeout` is the client's deadline for the whole answer: a liveness bound, not a timing. On
    /// two cores running every suite's gateways and PostgreSQL at once, a request that takes a
    /// second alone has been seen to take over a minute.
    func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
        body: Data? = nil, headers: [(String, String)] = [], timeout: Duration = .seconds(180)
    ) async throws -> Reply {
        try await Self.request(
            method, path.hasPrefix("http") ? path : baseURL + path, token: token, json: json, body: body, headers: headers, timeout: timeout)
    }

    static func request(
        _ method: HTTPMethod, _ url: String, token: String? = nil, json: String? = nil,
        body: Data? = nil, headers: [(String, String)] = [], timeout: Duration = .seconds(180)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
            request.body = .bytes(ByteBuffer(string: json))
        } else if let body {
            request.body = .bytes(ByteBuffer(data: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .init(timeout))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(buffer: bytes))
    }

    func submit(token: String, _ json: String) async throws -> [String: Any] {
        let reply = try await request(.POST, "/luma/generations", token: token, json: json)
        guard reply.status == 200 else { throw TestFailure("submit answered \(reply.status): \(reply.text)") }
        return reply.object
    }

    /// Polls the query route (of the face `path` names) until the task is terminal, or the time is
    /// up, and returns it. Both faces call their final states completed and failed.
    func waitForTerminal(
        _ id: String, token: String, path: String = "/luma/generations/", timeout: Duration = .seconds(90)
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let task = try await request(.GET, path + id, token: token).object
            if let state = task["state"] as? String, state == "completed" || state == "failed" { return task }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("task \(id) did not finish within \(timeout)")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A clock a test moves by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func pngDataURI() throws -> String {
        "data:image/png;base64," + (try data("first-frame.png")).base64EncodedString()
    }
}

extension TestGateway {
    /// Steps the poller by hand until task `id` is final: the clock moves `step` a pass, and real
    /// time passes too, since a sandbox render runs on its own workers between passes.
    func pollUntilFinished(_ id: String, clock: ManualClock, step: Double = 0.25) async throws {
        // As long as waitForTerminal and more: with every suite rendering at once, a render can
        // wait a minute for the machine.
        let deadline = ContinuousClock.now + .seconds(120)
        while try await gateway.tasks.find(id: id)?.state.isTerminal == false {
            guard ContinuousClock.now < deadline else { throw TestFailure("task \(id) did not finish") }
            _ = await gateway.poller.pollOnce(now: clock.now)
            clock.advance(step)
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Creates a generation through the official format and returns its Generation object.
    func createGeneration(token: String, _ json: String, path: String = "/dream-machine/v1/generations/video") async throws -> [String: Any] {
        let reply = try await request(.POST, path, token: token, json: json)
        guard reply.status == 201 || reply.status == 200 else { throw TestFailure("create answered \(reply.status): \(reply.text)") }
        return reply.object
    }

    /// Polls the official get route until the generation is finished and returns it.
    func waitForGeneration(_ id: String, token: String) async throws -> [String: Any] {
        try await waitForTerminal(id, token: token, path: "/dream-machine/v1/generations/")
    }
}
