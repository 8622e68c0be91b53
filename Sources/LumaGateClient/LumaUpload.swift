/// An image stored by `POST /luma/generations/file_upload`. `publicURL` can be sent as a
/// submission's `imageURL` or `imageEndURL`.
public struct LumaUpload: Codable, Sendable, Equatable {
    public var id: String
    public var publicURL: String

    enum CodingKeys: String, CodingKey {
        case id
        case publicURL = "public_url"
    }
}
