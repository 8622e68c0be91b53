import SQLKit

/// One versioned step of the schema. Versions are applied in order, once, each in a transaction.
protocol Migration: Sendable {
    var version: Int { get }
    var name: String { get }
    func prepare(on database: any SQLDatabase) async throws
}

enum Migrations {
    static let all: [any Migration] = [
        M0001_CreateTokensTasksEvents(), M0002_AddCallbackSecrets(), M0003_CreateChannels(), M0004_AddKindsDeletionsWebhooks(),
        M0005_AddQuotasLedgerLimits(), M0006_AddChannelRouting(), M0007_AddAdminTokens(), M0008_CreateRequestSchedules(),
        M0009_IndexTasksAtUpstream(), M0010_IndexUploads(), M0011_AddUploadFileDetails(), M0012_AddChannelKeepOutputs(),
        M0013_RecordViewAndTokenChanges(), M0014_AddMediaExpiry(), M0015_KeepCounts(), M0016_IndexTasksByCreation(), M0017_KeepCountsByDeltas(),
        M0018_TokenChangesWithoutSpending(), M0019_CreateIdempotencyClaims(), M0020_RecordTaskOwnersInChanges(), M0021_CreateWebhookEndpoints(),
        M0022_AddTaskProgress(), M0023_AddUploadDeletion(),
        M0024_AddWebhookSharedSecrets(),
    ]
}
