import ArgumentParser
import Foundation
import LumaGate
import Logging

/// Where the gateway keeps its data; shared by `serve` and the commands that work on its store.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder for the SQLite file and media. Env: LUMAGATE_DATA_DIR. Default: ./data")
    var dataDirectory: String?

    @Option(
        name: .customLong("database"),
        help: """
            A SQLite file, or postgres://user:password@host:5432/database for PostgreSQL (shared by several gateway \
            processes). Env: LUMAGATE_DATABASE. Default: <data-dir>/lumagate.sqlite
            """)
    var database: String?

    func apply(to configuration: inout GatewayConfiguration, environment: [String: String]) {
        if let value = dataDirectory ?? environment["LUMAGATE_DATA_DIR"] { configuration.dataDirectory = value }
        if let value = database ?? environment["LUMAGATE_DATABASE"] { configuration.database = value }
    }

    /// Opens just the store, for commands that do not serve.
    func openDatabase() async throws -> Database {
        var configuration = GatewayConfiguration()
        apply(to: &configuration, environment: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "lumagate")
        logger.logLevel = .warning
        return try await Database.open(configuration.databaseLocation, logger: logger)
    }

    /// Opens just the store, runs `body`, and closes the store whatever happens.
    func withDatabase(_ body: (Database) async throws -> Void) async throws {
        let database = try await openDatabase()
        do {
            try await body(database)
            await database.close()
        } catch {
            await database.close()
            throw error
        }
    }
}
