import Foundation
import Synchronization

/// The real `lumagate` binary, run as a child process, for what only a process can show:
/// commands beside a running server, and a SIGKILL mid-work.
final class ServeProcess: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary `swift build` made beside this test bundle.
    static var binary: String {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("lumagate").path,
            packageRoot.appendingPathComponent(".build/debug/lumagate").path,
        ]
        return candidates.first(where: FileManager.default.isExecutableFile(atPath:)) ?? candidates[1]
    }

    let process = Process()
    let baseURL: String
    private let collected = Mutex("")

    /// Everything the server has printed so far.
    var output: String { collected.withLock { $0 } }

    /// Starts `lumagate serve` on a free port and waits until it listens, on a thread of its own:
    /// a start waits for the log, and on PostgreSQL for the migrations, which under load takes
    /// seconds the test process's two cooperative threads must not spend.
    static func start(
        dataDirectory: String, extraArguments: [String] = [], environment: [String: String] = [:], currentDirectory: String? = nil
    ) async throws -> ServeProcess {
        try await RawHTTPConnection.offPool {
            try ServeProcess(
                dataDirectory: dataDirectory, extraArguments: extraArguments, environment: environment, currentDirectory: currentDirectory)
        }
    }

    private init(dataDirectory: String, extraArguments: [String] = [], environment: [String: String] = [:], currentDirectory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.currentDirectoryURL = currentDirectory.map { URL(fileURLWithPath: $0) }
        process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory, "--log-level", "info"] + extraArguments
        process.environment = try TestStore.environment(for: process.arguments!).merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var seen = ""
        var port: String?
        let deadline = Date().addingTimeInterval(30)
        while port == nil, Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            port = seen.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).map { String($0.output.1) }
        }
        guard let port else {
            process.terminate()
            throw TestFailure("lumagate serve did not start: \(seen)")
        }
        baseURL = "http://127.0.0.1:\(port)"
        collected.withLock { $0 = seen }
        // Keep draining the log so the server never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            self?.collected.withLock { $0 += text }
        }
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// Creates a token with `lumagate token create` on the store in `dataDirectory`; returns its secret.
    static func createToken(_ name: String, dataDirectory: String) async throws -> String {
        let created = try await command(["token", "create", "--name", name, "--data-dir", dataDirectory])
        guard created.status == 0, let secret = created.output.split(separator: "\n").last else {
            throw TestFailure("lumagate token create failed: \(created.output)")
        }
        return String(secret)
    }

    /// Runs a one-off `lumagate` command and returns its stdout and exit status, on a thread of its
    /// own: waiting for it on one of the few cooperative threads could starve the servers in this
    /// test process (a command may be talking to one of them).
    static func command(_ arguments: [String]) async throws -> (output: String, status: Int32) {
        try await RawHTTPConnection.offPool { try run(arguments) }
    }

    private static func run(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = try TestStore.environment(for: arguments)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: bytes, as: UTF8.self), process.terminationStatus)
    }
}
