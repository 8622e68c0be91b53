import Foundation
@testable import LumaGate
import Logging
import SQLKit
import Testing

/// SQLite's one-row reads on the calling thread (the query path's misses) see each write the
/// moment it commits, take any text as a value only, and stop when the store closes.
struct SQLiteDirectReaderTests {
    @Test func readsEachCommittedWriteAndNothingAfterClose() async throws {
        let path = TestGateway.temporaryDirectory() + "/lumagate.sqlite"
        let database = try await Database.open(.sqlite(path: path), logger: Logger(label: "direct-reader-test"))
        let reader = SQLiteDirectReader(path: path)
        let lookup = "SELECT value FROM probe WHERE key = ?1"
        try await database.write { try await $0.raw("CREATE TABLE probe (key TEXT PRIMARY KEY, value TEXT)").run() }
        #expect(try reader.firstRow(lookup, binding: "a") == nil)

        let hostile = "a'; DROP TABLE probe; --"
        try await database.write { sql in
            try await sql.raw("INSERT INTO probe (key, value) VALUES ('a', 'first'), (\(bind: hostile), NULL)").run()
        }
        #expect(try reader.firstRow(lookup, binding: "a") == ["first"])
        #expect(try reader.firstRow(lookup, binding: hostile) == [""], "a NULL reads as empty; the key is only a value")

        // Reads side by side, each on a connection of its own, while the value changes.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<200 {
                        let value = try reader.firstRow(lookup, binding: "a")
                        #expect(value == ["first"] || value == ["second"])
                    }
                }
            }
            group.addTask { try await database.write { try await $0.raw("UPDATE probe SET value = 'second' WHERE key = 'a'").run() } }
            try await group.waitForAll()
        }
        #expect(try reader.firstRow(lookup, binding: "a") == ["second"])

        reader.close()
        #expect(throws: SQLiteDirectReader.Failure.self) { try reader.firstRow(lookup, binding: "a") }
        await database.close()
    }
}
