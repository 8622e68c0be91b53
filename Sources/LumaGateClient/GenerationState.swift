/// A generation's state in Luma's official format. The relay format's states map as
/// `pending → queued`, `processing → dreaming`.
public enum GenerationState: String, Codable, Sendable, CaseIterable {
    case queued
    case dreaming
    case completed
    case failed

    public var isFinished: Bool { self == .completed || self == .failed }
}
