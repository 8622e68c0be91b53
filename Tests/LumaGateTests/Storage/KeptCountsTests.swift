import Foundation
@testable import LumaGate
import SQLKit
import Testing

/// The counts `/metrics` and the admin totals read (kept by SQLite's triggers, M0015, and PostgreSQL's appended deltas, M0017): after
/// submits, finished and failed tasks, deletions, and tasks another process wrote (`lumagate task
/// seed`), they equal what counting the rows says, per state, per token and in credits.
struct KeptCountsTests {
    @Test func keptCountsEqualTheRowsWhoeverWrites() async throws {
        try await TestGateway.with { gateway in
            let first = try await gateway.gateway.tokens.create(name: "first", quota: 100_000)
            let second = try await gateway.gateway.tokens.create(name: "second", quota: 100_000)
            var ids: [(String, String)] = []
            for (token, prompt) in [(first.secret, "one"), (first.secret, "two sandbox:fail"), (second.secret, "three"), (second.secret, "four")] {
                ids.append((try await gateway.submit(token: token, #"{"user_prompt": "\#(prompt)"}"#)["id"] as! String, token))
            }
            for (id, token) in ids { _ = try await gateway.waitForTerminal(id, token: token) }
            #expect(try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(ids[0].0)", token: first.secret).status < 300)
            let pending = try await gateway.submit(token: second.secret, #"{"user_prompt": "deleted while pending"}"#)["id"] as! String
            #expect(try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(pending)", token: second.secret).status < 300)
            let seeded = try await ServeProcess.command(["task", "seed", "--like", ids[2].0, "--count", "7", "--data-dir", gateway.directory])
            #expect(seeded.status == 0, "\(seeded.output)")

            let tasks = gateway.gateway.tasks
            let database = gateway.gateway.database
            try await expectKeptCountsEqualTheRows(tasks: tasks, database: database, tokenIDs: [nil, first.token.id, second.token.id])
            // PostgreSQL's appended deltas folded into the kept rows change nothing a reader sees.
            try await database.write { try await M0017_KeepCountsByDeltas.fold($0) }
            if TestStore.isPostgres {
                let left = try await database.read {
                    try await $0.raw("SELECT COUNT(*) AS n FROM task_count_deltas").first()?.decode(column: "n", as: Int.self)
                }
                #expect(left == 0, "the fold moved every delta")
            }
            try await expectKeptCountsEqualTheRows(tasks: tasks, database: database, tokenIDs: [nil, first.token.id, second.token.id])
            #expect(try await tasks.countByState()[.completed] == 2 + 7 + 1, "seeded copies are counted, the deleted task too")

            let summed = try await database.read { sql in
                try await sql.raw("SELECT kind, CAST(SUM(amount) AS BIGINT) AS total FROM ledger GROUP BY kind").all().reduce(
                    into: [LedgerEntry.Kind: Int64]()
                ) {
                    $0[LedgerEntry.Kind(rawValue: try $1.decode(column: "kind", as: String.self))!] = try $1.decode(column: "total", as: Int64.self)
                }
            }
            let ledger = LedgerRepository(database: database)
            #expect(try await ledger.totals() == summed)
            #expect(try await ledger.totals(tokenID: first.token.id)[.refund] != nil, "the failed task was refunded")

            let admin = try await gateway.gateway.tokens.create(name: "root", isAdmin: true).secret
            for (query, expected) in [
                ("", 10), ("state=completed", 9), ("state=failed", 1), ("token=second", 2 + 7), ("token=first&state=failed", 1),
                ("state=pending", 0),
            ] {
                let listed = try await gateway.request(.GET, "/admin/tasks?\(query)", token: admin).object
                #expect(listed["total"] as? Int == expected, "\(query): \(listed["total"] ?? "none")")
            }
        }
    }

    private func expectKeptCountsEqualTheRows(tasks: TaskRepository, database: Database, tokenIDs: [String?]) async throws {
        for tokenID in tokenIDs {
            let counted = try await database.read { sql in
                let query = sql.select().column("state").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("tasks").groupBy("state")
                if let tokenID { query.where("token_id", .equal, tokenID) }
                return try await query.all().reduce(into: [TaskState: Int]()) {
                    $0[TaskState(rawValue: try $1.decode(column: "state", as: String.self))!] = try $1.decode(column: "n", as: Int.self)
                }
            }
            let kept = try await tasks.countByState(tokenID: tokenID)
            #expect(kept == counted, "token \(tokenID ?? "all"): kept \(kept), counted \(counted)")
        }
    }
}
