import AsyncHTTPClient
import Foundation
import NIOCore

/// What the gateway gives every channel it builds: its settings and the shared services.
struct ChannelParts: Sendable {
    let configuration: GatewayConfiguration
    let httpClient: HTTPClient
    let publicURL: PublicURL
    let store: MediaStore
    /// Reads the size and length of media an upstream answers with.
    let inspector: RemoteMediaInspector
    /// Copies an upstream's outputs into the media store.
    let keeper: OutputKeeper
    let now: @Sendable () -> Date

    /// The deadline for any one upstream call.
    var timeout: TimeAmount { .milliseconds(Int64(configuration.upstreamTimeoutSeconds * 1000)) }
}
