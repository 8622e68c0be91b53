/// How many uploaded images a token keeps at once, and for how long.
public struct UploadLimits: Sendable {
    public var maxPerToken = 100
    public var lifetimeSeconds = 24 * 3600
    public init() {}
}
