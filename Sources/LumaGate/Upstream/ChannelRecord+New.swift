import Foundation

extension ChannelRecord {
    /// Why what an operator typed cannot be a channel.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new, enabled channel from an operator's input (`lumagate channel add`, `POST /admin/channels`).
    public static func new(
        kind: String, name: String, key: String, baseURL: String?, route: ChannelRoute, keepOutputs: Bool = false,
        at millis: Int64
    ) throws -> ChannelRecord {
        guard let definition = ChannelKinds.named(kind) else {
            throw Invalid(description: "Unknown channel kind \(kind); known: \(ChannelKinds.names).")
        }
        guard name.unicodeScalars.count <= 255 else { throw Invalid(description: "A channel's name is at most 255 characters.") }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Invalid(description: "A channel needs a non-blank name.") }
        guard !definition.needsKey || !key.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Invalid(description: "A \(kind) channel needs a non-empty key.")
        }
        guard let baseURL = baseURL ?? definition.defaultBaseURL else {
            throw Invalid(description: "A \(kind) channel needs a base URL: \(definition.summary).")
        }
        guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw Invalid(description: "The base URL must be an http(s) URL.")
        }
        if keepOutputs, !definition.keepsOutputsByChoice {
            let choosers = ChannelKinds.all.filter(\.keepsOutputsByChoice).map(\.name.rawValue).joined(separator: ", ")
            throw Invalid(
                description: "Keeping outputs is an option of \(choosers) channels only; a \(kind) channel keeps its outputs always or never.")
        }
        return ChannelRecord(
            name: name, kind: definition.name, apiKey: key, baseURL: baseURL, createdAtMillis: millis, priority: route.priority,
            weight: route.weight, models: route.models, maxInFlight: route.maxInFlight, keepOutputs: keepOutputs)
    }
}
