import Foundation
@testable import LumaGate
import SQLKit
import Testing

/// Writes that run side by side (committed in groups on SQLite) each keep their own outcome: a
/// write that fails leaves nothing behind, and the others' changes all stay, each write seeing
/// the value it returned.
struct GroupCommitTests {
    struct Refused: Error {}

    @Test func aFailedWriteUndoesOnlyItsOwnChanges() async throws {
        try await TestGateway.with { gateway in
            let database = gateway.gateway.database
            try await database.write { try await $0.raw("CREATE TABLE group_probe (n INTEGER NOT NULL)").run() }
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for n in 1...300 {
                    group.addTask {
                        do {
                            let written = try await database.write { sql -> Int in
                                try await sql.raw("INSERT INTO group_probe (n) VALUES (\(bind: n))").run()
                                if n % 3 == 0 { throw Refused() }
                                return n
                            }
                            #expect(written == n)
                            return (n, true)
                        } catch is Refused {
                            return (n, false)
                        }
                    }
                }
                return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.count == 300)
            #expect(outcomes.allSatisfy { $0.value == ($0.key % 3 != 0) }, "every write reports its own outcome")
            let stored = try await database.read { sql in
                try await sql.raw("SELECT n FROM group_probe ORDER BY n").all().map { try $0.decode(column: "n", as: Int.self) }
            }
            #expect(stored == (1...300).filter { $0 % 3 != 0 }, "the failed writes' rows are gone, every other row stays")
        }
    }
}
