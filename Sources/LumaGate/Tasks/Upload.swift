/// An image a client uploaded for use as a frame.
public struct Upload: Sendable, Equatable {
    public var id: String
    public var tokenID: String
    /// Relative to the media root.
    public var storedPath: String
    public var createdAtMillis: Int64
}
