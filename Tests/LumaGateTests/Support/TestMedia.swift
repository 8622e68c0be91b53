import AsyncHTTPClient
import Foundation
import LumaGate

/// Where a test's gateway keeps media. By default its data directory's media folder; when
/// `LUMAGATE_TEST_S3_ENDPOINT` names an S3-compatible store (`scripts/test-s3`), a prefix of its
/// own, named after the directory, in the bucket `lumagate-test-media`, so the same test runs
/// unchanged on both and a restart in a test finds its media again.
enum TestMedia {
    static let endpoint: String? = ProcessInfo.processInfo.environment["LUMAGATE_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
    static let bucketName = "lumagate-test-media"
    /// Moto takes any credentials.
    static let credentials = S3Signer.Credentials(accessKeyID: "test", secretAccessKey: "test")

    static var inBucket: Bool { endpoint != nil }

    /// A bucket (a prefix of its own) on a server that checks every signature, from
    /// `LUMAGATE_TEST_S3_VERIFYING`: "ENDPOINT s3://BUCKET ACCESS_KEY_ID SECRET_ACCESS_KEY".
    static let verifyingServer: (location: S3Bucket.Location, credentials: S3Signer.Credentials)? = {
        guard let line = ProcessInfo.processInfo.environment["LUMAGATE_TEST_S3_VERIFYING"] else { return nil }
        let parts = line.split(separator: " ").map(String.init)
        guard parts.count == 4, let location = S3Bucket.Location(url: parts[1] + "/" + UUID().uuidString, endpoint: parts[0], region: "us-east-1")
        else { return nil }
        return (location, .init(accessKeyID: parts[2], secretAccessKey: parts[3]))
    }()

    /// The bucket location of the gateway whose data directory is `directory`.
    static func location(for directory: String) -> S3Bucket.Location? {
        endpoint.map { S3Bucket.Location(bucket: bucketName, prefix: URL(fileURLWithPath: directory).lastPathComponent, endpoint: $0) }
    }

    static func configure(_ configuration: inout GatewayConfiguration, directory: String) {
        guard let location = location(for: directory) else { return }
        configuration.mediaBucket = (location, credentials)
    }

    /// The environment a `lumagate` child process with `--data-dir directory` needs for the same media.
    static func environment(forDataDirectory directory: String) -> [String: String] {
        guard let location = location(for: directory) else { return [:] }
        return [
            "LUMAGATE_MEDIA_STORE": "s3://\(location.bucket)/\(location.prefix)", "LUMAGATE_S3_ENDPOINT": location.endpoint ?? "",
            "AWS_ACCESS_KEY_ID": credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
        ]
    }

    /// The stored media paths under `folder` (such as `uploads/`) of the gateway on `directory`.
    static func paths(under folder: String, directory: String) async throws -> [String] {
        guard let location = location(for: directory) else {
            let root = directory + "/media/" + folder
            return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).map { folder + $0 }
        }
        return try await withBucket(location) { bucket in
            var paths: [String] = []
            var after: String?
            repeat {
                let page = try await bucket.list(under: folder, after: after)
                paths += page.paths
                after = page.next
            } while after != nil
            return paths
        }
    }

    /// Whether the stored media path `path` of the gateway on `directory` is there.
    static func exists(_ path: String, directory: String) async throws -> Bool {
        guard let location = location(for: directory) else { return FileManager.default.fileExists(atPath: directory + "/media/" + path) }
        return try await withBucket(location) { try await $0.head(path) != nil }
    }

    /// Replaces a stored file's bytes (to test what the gateway does with a damaged one).
    static func overwrite(_ path: String, with data: Data, directory: String) async throws {
        guard let location = location(for: directory) else {
            try data.write(to: URL(fileURLWithPath: directory + "/media/" + path))
            return
        }
        try await withBucket(location) { try await $0.put(data, as: path, contentType: "application/octet-stream") }
    }

    static func withBucket<T: Sendable>(_ location: S3Bucket.Location, _ body: (S3Bucket) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await body(S3Bucket(location: location, credentials: credentials, httpClient: client))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
