/// What a channel reports about one generation, in the official API's terms.
public enum UpstreamSnapshot: Sendable, Equatable {
    case queued
    case dreaming
    case completed(TaskMedia)
    case failed(reason: String)
}
