import ArgumentParser
import Foundation
import LumaGate

/// Where media is kept and how clients reach it; for `serve` and `media migrate`.
struct MediaOptions: ParsableArguments {
    @Option(
        name: .customLong("media-store"),
        help: """
            file (<data-dir>/media) or s3://BUCKET[/PREFIX] for an S3-compatible bucket, with credentials from AWS_ACCESS_KEY_ID, \
            AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. Env: LUMAGATE_MEDIA_STORE. Default: file
            """)
    var mediaStore: String?

    @Option(
        name: .customLong("s3-endpoint"),
        help: "The bucket's store when it is not AWS (MinIO, Ceph, R2, B2), addressed path-style. Env: LUMAGATE_S3_ENDPOINT")
    var s3Endpoint: String?

    @Option(name: .customLong("s3-region"), help: "The bucket's region. Env: LUMAGATE_S3_REGION. Default: us-east-1")
    var s3Region: String?

    @Option(
        name: .customLong("media-urls"),
        help: """
            How clients reach media: gateway (through /media/, streamed from a bucket), presigned (bucket URLs signed for \
            --media-url-lifetime), or a base URL such as https://cdn.example.com/lumagate that a media path is appended to. \
            Env: LUMAGATE_MEDIA_URLS. Default: gateway
            """)
    var mediaURLs: String?

    @Option(
        name: .customLong("media-url-lifetime"),
        help: "Seconds a presigned media URL stays valid at least (at most 4 days). Env: LUMAGATE_MEDIA_URL_LIFETIME. Default: 3600")
    var mediaURLLifetime: Int?

    @Option(
        name: .customLong("media-retention-days"),
        help:
            "Days a finished task's media is kept before it is deleted (from the folder or the bucket). Env: LUMAGATE_MEDIA_RETENTION_DAYS. Default: for ever"
    )
    var mediaRetentionDays: Double?

    func apply(to configuration: inout GatewayConfiguration, environment: [String: String]) throws {
        if let text = mediaRetentionDays.map({ String($0) }) ?? environment["LUMAGATE_MEDIA_RETENTION_DAYS"] {
            guard let days = Double(text), days > 0 else { throw ValidationError("--media-retention-days must be a number of days above 0.") }
            configuration.mediaRetentionDays = days
        }
        let store = mediaStore ?? environment["LUMAGATE_MEDIA_STORE"] ?? "file"
        if store != "file" {
            let endpoint = s3Endpoint ?? environment["LUMAGATE_S3_ENDPOINT"]
            if let endpoint, URL(string: endpoint)?.host == nil || !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) {
                throw ValidationError("--s3-endpoint must be an http(s) URL, such as http://127.0.0.1:9000.")
            }
            guard
                let location = S3Bucket.Location(
                    url: store, endpoint: endpoint,
                    region: s3Region ?? environment["LUMAGATE_S3_REGION"] ?? "us-east-1")
            else {
                throw ValidationError("--media-store must be file or s3://BUCKET[/PREFIX].")
            }
            guard let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !key.isEmpty, !secret.isEmpty else {
                throw ValidationError("--media-store \(store) needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment.")
            }
            configuration.mediaBucket = (location, .init(accessKeyID: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"]))
        }
        let lifetimeText = mediaURLLifetime.map(String.init) ?? environment["LUMAGATE_MEDIA_URL_LIFETIME"] ?? "3600"
        guard let lifetime = Int(lifetimeText), lifetime >= 60, lifetime <= 4 * 24 * 3600 else {
            throw ValidationError("--media-url-lifetime must be between 60 and 345600 seconds.")
        }
        let urls = mediaURLs ?? environment["LUMAGATE_MEDIA_URLS"] ?? "gateway"
        guard let links = MediaLinks(urls, lifetimeSeconds: lifetime) else {
            throw ValidationError("--media-urls must be gateway, presigned or an http(s) base URL.")
        }
        if case .presigned = links, configuration.mediaBucket == nil {
            throw ValidationError("--media-urls presigned needs a bucket (--media-store s3://...).")
        }
        configuration.mediaLinks = links
    }
}
