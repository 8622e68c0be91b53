import Crypto
import Foundation
import Logging
import LumaGate
import Synchronization

/// Where a test keeps its store. By default a SQLite file in the test's directory; when
/// `LUMAGATE_TEST_POSTGRES_URL` names a PostgreSQL server (one whose user may create databases),
/// a database of its own on that server, named after the directory, so the same test runs
/// unchanged on both backends and a restart in a test finds its data again.
enum TestStore {
    static let postgresURL: String? = ProcessInfo.processInfo.environment["LUMAGATE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static var isPostgres: Bool { postgresURL != nil }

    private static let created = Mutex<Set<String>>([])

    /// The `--database` value for the test whose data directory is `directory`.
    static func location(for directory: String) throws -> String {
        guard let postgresURL, var components = URLComponents(string: postgresURL) else {
            return directory + "/lumagate.sqlite"
        }
        let digest = SHA256.hash(data: Data(directory.utf8)).map { String(format: "%02x", $0) }.joined()
        let name = "lumagate_test_" + digest.prefix(20)
        try createDatabase(named: name, on: postgresURL)
        components.path = "/" + name
        return components.string!
    }

    /// `location(for:)` from a test task: the database is made off the cooperative pool (psql may
    /// take seconds on a loaded server, and the other tests' gateways must not wait with it).
    static func createdLocation(for directory: String) async throws -> String {
        try await RawHTTPConnection.offPool { try location(for: directory) }
    }

    /// The store of `directory`.
    static func open(directory: String) async throws -> Database {
        try await Database.open(DatabaseLocation(createdLocation(for: directory)), logger: Logger(label: "test-store"))
    }

    /// The environment for a `lumagate` child process whose arguments name `--data-dir`.
    static func environment(for arguments: [String]) throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if let flag = arguments.firstIndex(of: "--data-dir"), flag + 1 < arguments.count {
            if isPostgres { environment["LUMAGATE_DATABASE"] = try location(for: arguments[flag + 1]) }
            if arguments.first == "serve" { environment.merge(TestMedia.environment(forDataDirectory: arguments[flag + 1])) { $1 } }
        }
        if TestMedia.inBucket {
            environment["AWS_ACCESS_KEY_ID"] = TestMedia.credentials.accessKeyID
            environment["AWS_SECRET_ACCESS_KEY"] = TestMedia.credentials.secretAccessKey
        }
        return environment
    }

    private static func createDatabase(named name: String, on serverURL: String) throws {
        if created.withLock({ $0.contains(name) }) { return }
        let exists = try psql(serverURL, "SELECT 1 FROM pg_database WHERE datname = '\(name)'")
        if !exists.contains("1") {
            _ = try psql(serverURL, "CREATE DATABASE \(name)")
        }
        created.withLock { _ = $0.insert(name) }
    }

    private static func psql(_ url: String, _ statement: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-tAq", "-v", "ON_ERROR_STOP=1", "-c", statement]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("psql \(statement): \(text)") }
        return text
    }
}
