import Foundation
@testable import LumaGate
import Logging
import SQLKit
import Testing

/// SQLite's one-row reads on the calling thread (the query path's misses) see each write the
/// moment it commits (a batch's one read transaction too, once it ends), take any text as a value
/// only, and stop when the store closes.
struct SQLiteDirectReaderTests {
    @Test func readsEachCommittedWriteAndNothingAfterClose() async throws {
        let path = TestGateway.temporaryDirectory() + "/lumagate.sqlite"
        let database = try await Database.open(.sqlite(path: path), logger: Logger(label: "direct-reader-test"))
        let reader = SQLiteDirectReader(path: path)
        let lookup = "SELECT value FROM probe WHERE key = ?1"
        func firstRow(_ sql: String, binding value: String) throws -> [String]? { try reader.firstRows(sql, bindingEach: [value])[0] }
        try await database.write { try await $0.raw("CREATE TABLE probe (key TEXT PRIMARY KEY, value TEXT)").run() }
        #expect(try firstRow(lookup, binding: "a") == nil)

        let hostile = "a'; DROP TABLE probe; --"
        try await database.write { sql in
            try await sql.raw("INSERT INTO probe (key, value) VALUES ('a', 'first'), (\(bind: hostile), NULL)").run()
        }
        #expect(try firstRow(lookup, binding: "a") == ["first"])
        #expect(try firstRow(lookup, binding: hostile) == [""], "a NULL reads as empty; the key is only a value")

        // Reads side by side, each on a connection of its own, while the value changes.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<200 {
                        let value = try reader.firstRows(lookup, bindingEach: ["a"])[0]
                        #expect(value == ["first"] || value == ["second"])
                    }
                }
            }
            group.addTask { try await database.write { try await $0.raw("UPDATE probe SET value = 'second' WHERE key = 'a'").run() } }
            try await group.waitForAll()
        }
        #expect(try firstRow(lookup, binding: "a") == ["second"])

        // Several keys are read together, and the next read sees what was written in between:
        // the batch's read transaction ended with it.
        #expect(try reader.firstRows(lookup, bindingEach: ["a", hostile, "missing"]) == [["second"], [""], nil])
        try await database.write { try await $0.raw("UPDATE probe SET value = 'third' WHERE key = 'a'").run() }
        #expect(try reader.firstRows(lookup, bindingEach: ["missing", "a"]) == [nil, ["third"]])

        reader.close()
        #expect(throws: SQLiteDirectReader.Failure.self) { try reader.firstRows(lookup, bindingEach: ["a"]) }
        await database.close()
    }
}
