/// An upstream account as the operator configured it.
public struct ChannelRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case dreamMachine = "dream-machine"
    }

    public var name: String
    public var kind: Kind
    /// Needed in the clear to call the upstream; shown only masked.
    public var apiKey: String
    public var baseURL: String
    public var enabled: Bool
    public var createdAtMillis: Int64

    public init(name: String, kind: Kind, apiKey: String, baseURL: String, enabled: Bool = true, createdAtMillis: Int64) {
        self.name = name
        self.kind = kind
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.enabled = enabled
        self.createdAtMillis = createdAtMillis
    }

    /// The key as `channel list` shows it: enough to tell keys apart, not to use one.
    public var maskedKey: String {
        apiKey.count <= 8 ? String(repeating: "•", count: apiKey.count) : "\(apiKey.prefix(4))…\(apiKey.suffix(4))"
    }
}
