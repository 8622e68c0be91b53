import Foundation
@testable import LumaGate
import Testing

/// One token's books after a run that killed gateways mid-work, read from the store: the checks
/// the chaos and multi-process runs share.
struct LedgerAudit {
    let tasks: [VideoTask]
    let ledger: [LedgerEntry]
    /// What the token's row says it has spent.
    let used: Int64

    var completed: [VideoTask] { tasks.filter { $0.state == .completed } }
    var failed: [VideoTask] { tasks.filter { $0.state == .failed } }
    var charges: [LedgerEntry] { ledger.filter { $0.kind == .charge } }
    var refunds: [LedgerEntry] { ledger.filter { $0.kind == .refund } }
    var net: Int64 { charges.reduce(0) { $0 + $1.amount } - refunds.reduce(0) { $0 + $1.amount } }

    static func read(_ database: Database, token name: String, limit: Int) async throws -> LedgerAudit {
        let tokens = TokenRepository(database: database)
        let token = try #require(try await tokens.find(idOrName: name))
        return LedgerAudit(
            tasks: try await TaskRepository(database: database).list(ownedBy: token.id, offset: 0, limit: limit),
            ledger: try await LedgerRepository(database: database).entries(),
            used: token.used)
    }

    /// Every task charged once, every failed one refunded once and no completed one, and charges
    /// minus refunds equal to the completed tasks' prices and to what the token used.
    func expectBalanced(taskCount: Int) {
        #expect(Set(charges.map(\.taskID)).count == charges.count && charges.count == taskCount, "every task charged once")
        #expect(Set(refunds.map(\.taskID)).count == refunds.count, "no refund doubled")
        #expect(Set(refunds.map(\.taskID)) == Set(failed.map(\.id)), "every failed task refunded, no completed one")
        #expect(net == completed.reduce(0) { $0 + $1.price }, "charges − refunds = prices of completed tasks")
        #expect(used == net)
    }

    /// The two lines the runs print.
    var summary: String {
        """
          tasks: \(completed.count) completed, \(failed.count) failed, \(tasks.count - completed.count - failed.count) unfinished
          ledger: \(charges.count) charges = \(charges.reduce(0) { $0 + $1.amount }) credits, \(refunds.count) refunds = \
        \(refunds.reduce(0) { $0 + $1.amount }) credits, net \(net) = completed prices \(completed.reduce(0) { $0 + $1.price })
        """
    }
}
