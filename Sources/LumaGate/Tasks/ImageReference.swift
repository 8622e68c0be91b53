/// An image a request refers to: the gateway always keeps its own copy (`storedPath`, relative
/// to the media root); `sourceURL` is the client's http(s) URL when it sent one rather than base64.
public struct ImageReference: Sendable, Codable, Equatable {
    public var sourceURL: String?
    public var storedPath: String

    public init(sourceURL: String?, storedPath: String) {
        self.sourceURL = sourceURL
        self.storedPath = storedPath
    }
}
