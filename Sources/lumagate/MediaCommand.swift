import ArgumentParser
import AsyncHTTPClient
import Foundation
import LumaGate

struct MediaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media", abstract: "Work with stored media.", subcommands: [Migrate.self])

    /// Moves a deployment's media folder into a bucket (see docs/media.md).
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every file of <data-dir>/media into a bucket; run it again to resume. Then serve with --media-store set to the bucket.")
        @Option(help: "The bucket: s3://BUCKET[/PREFIX], with credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.")
        var to: String
        @Option(name: .customLong("s3-endpoint"), help: "The bucket's store when it is not AWS. Env: LUMAGATE_S3_ENDPOINT")
        var s3Endpoint: String?
        @Option(name: .customLong("s3-region"), help: "The bucket's region. Env: LUMAGATE_S3_REGION. Default: us-east-1")
        var s3Region: String?
        @Flag(help: "Print every file as it is copied or skipped.") var verbose = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            var configuration = GatewayConfiguration()
            store.apply(to: &configuration, environment: environment)
            var media = try MediaOptions.parse(["--media-store", to])
            media.s3Endpoint = s3Endpoint
            media.s3Region = s3Region
            try media.apply(to: &configuration, environment: environment)
            guard let (location, credentials) = configuration.mediaBucket else {
                throw ValidationError("--to must be s3://BUCKET[/PREFIX].")
            }
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let migration = MediaMigration(
                folder: configuration.mediaDirectory,
                bucket: S3Bucket(location: location, credentials: credentials, httpClient: client))
            let verbose = self.verbose
            let report = await migration.run { outcome, path in
                if verbose || outcome == "failed" { print("\(outcome) \(path)") }
            }
            try await client.shutdown()
            for (path, reason) in report.failed { print("could not copy \(path): \(reason)") }
            print(
                """
                copied \(report.copied.count) files (\(report.copiedBytes / 1024) KiB) from \(configuration.mediaDirectory) \
                to \(location.description); skipped \(report.skipped.count) already there; \(report.failed.count) failed
                """)
            if !report.failed.isEmpty { throw ExitCode(1) }
        }
    }
}
