import SQLKit

/// A dream-machine channel may keep its finished outputs in the gateway's media store, as Agents
/// channels always do (NULL or 0: Luma's own URLs are shown).
struct M0012_AddChannelKeepOutputs: Migration {
    let version = 12
    let name = "add channels.keep_outputs"

    func prepare(on sql: any SQLDatabase) async throws {
        try await sql.alter(table: "channels").column("keep_outputs", type: .int).run()
    }
}
