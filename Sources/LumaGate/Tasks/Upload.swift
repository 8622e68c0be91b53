/// An image a client uploaded for use as a frame: through the relay's `file_upload`, or as a file
/// of the Agents API, which also records what the client declared about it.
public struct Upload: Sendable, Equatable {
    public enum State: String, Sendable {
        /// A presigned upload not completed yet.
        case pending
        case ready
        /// Deleted by its owner: it still reads, without its bytes, until its lifetime ends.
        case deleted
    }

    public var id: String
    public var tokenID: String
    /// Relative to the media root; empty while a presigned upload's bytes have not arrived.
    public var storedPath: String
    public var createdAtMillis: Int64
    public var state: State = .ready
    public var mimeType: String?
    public var sizeBytes: Int?
    public var filename: String?
    /// The Agents API's `input` or `reference`.
    public var purpose: String?
    public var userID: String?
    /// When the sweeper removes it.
    public var expiresAtMillis: Int64?
    /// The secret in a presigned upload's URL.
    public var putSecret: String?
    public var deletedAtMillis: Int64?
}
