/// `--upstream-callbacks`: whether submits carry a `callback_url`.
public enum UpstreamCallbackMode: String, Sendable, CaseIterable {
    /// On when the upstream can reach the public URL.
    case auto
    case on
    case off
}
