/// One page of `GET /dream-machine/v1/generations`, newest first.
public struct GenerationPage: Codable, Sendable, Equatable {
    public var hasMore: Bool
    public var count: Int
    public var limit: Int
    public var offset: Int
    public var generations: [Generation]

    enum CodingKeys: String, CodingKey {
        case hasMore = "has_more"
        case count, limit, offset, generations
    }
}
