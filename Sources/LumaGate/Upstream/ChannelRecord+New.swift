import Foundation

extension ChannelRecord {
    public static let defaultDreamMachineURL = "https://api.lumalabs.ai/dream-machine/v1"
    public static let defaultLumaAgentsURL = "https://agents.lumalabs.ai/v1"

    /// Why what an operator typed cannot be a channel.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new, enabled channel from an operator's input (`lumagate channel add`, `POST /admin/channels`).
    public static func new(kind: String, name: String, key: String, baseURL: String?, route: ChannelRoute, keepOutputs: Bool = false,
                           at millis: Int64) throws -> ChannelRecord {
        guard let kind = Kind(rawValue: kind) else {
            throw Invalid(description: "Unknown channel kind \(kind); known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard name.unicodeScalars.count <= 255 else { throw Invalid(description: "A channel's name is at most 255 characters.") }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Invalid(description: "A channel needs a non-blank name.") }
        guard !key.trimmingCharacters(in: .whitespaces).isEmpty else { throw Invalid(description: "A channel needs a non-empty key.") }
        guard let baseURL = baseURL ?? kind.defaultBaseURL else {
            throw Invalid(description: "A luma-relay channel needs a base URL (the relay's root, without /luma).")
        }
        guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw Invalid(description: "The base URL must be an http(s) URL.")
        }
        if keepOutputs, kind != .dreamMachine {
            throw Invalid(description: "Keeping outputs is an option of dream-machine channels: luma-agents channels always keep theirs, a relay keeps its own.")
        }
        return ChannelRecord(name: name, kind: kind, apiKey: key, baseURL: baseURL, createdAtMillis: millis, priority: route.priority,
                             weight: route.weight, models: route.models, maxInFlight: route.maxInFlight, keepOutputs: keepOutputs)
    }
}

extension ChannelRecord.Kind {
    /// Where Luma's own APIs are; a relay has no default.
    var defaultBaseURL: String? {
        switch self {
        case .dreamMachine: ChannelRecord.defaultDreamMachineURL
        case .lumaAgents: ChannelRecord.defaultLumaAgentsURL
        case .lumaRelay: nil
        }
    }
}
