import Foundation

extension ChannelRecord.Kind {
    public static let dreamMachine = Self(rawValue: "dream-machine")
}

/// Luma's Dream Machine API, with an API key.
struct DreamMachineChannelKind: ChannelKind {
    let name = ChannelRecord.Kind.dreamMachine
    let summary = "Luma's Dream Machine API, with an API key"
    let defaultBaseURL: String? = DreamMachineChannel.defaultBaseURL
    let keepsOutputsByChoice = true

    func environmentRecord(in configuration: GatewayConfiguration) -> ChannelRecord? {
        configuration.dreamMachine.map {
            ChannelRecord(name: name.rawValue, kind: name, apiKey: $0.apiKey, baseURL: $0.baseURL, createdAtMillis: 0)
        }
    }

    /// The credit balance: free, and it proves the key.
    func check(_ http: UpstreamHTTP) async throws -> String {
        struct Credits: Decodable { var credit_balance: Double? }
        let data = try await http.send(.GET, "/credits")
        let balance = (try? JSONDecoder().decode(Credits.self, from: data))?.credit_balance
        return "Luma accepted the key" + (balance.map { "; credit balance \($0)" } ?? "")
    }

    func channel(for record: ChannelRecord, parts: ChannelParts) -> any UpstreamChannel {
        var settings = DreamMachineChannel.Settings(apiKey: record.apiKey, baseURL: record.baseURL)
        settings.polling = parts.configuration.upstreamPolling
        settings.timeout = parts.timeout
        switch parts.configuration.upstreamCallbacks {
        case .on: settings.callbacks = true
        case .off: settings.callbacks = false
        case .auto: settings.callbacks = DreamMachineChannel.canReach(publicURL: parts.publicURL.base, from: settings.baseURL)
        }
        return DreamMachineChannel(
            name: record.name, settings: settings, httpClient: parts.httpClient, publicURL: parts.publicURL, inspector: parts.inspector,
            keeper: keepsOutputs(record, parts.configuration) ? parts.keeper : nil, now: parts.now)
    }

    /// By choice: the channel's own (`--keep-outputs`), or for the one named like the kind, the
    /// gateway's (`--keep-dream-machine-outputs`).
    private func keepsOutputs(_ record: ChannelRecord, _ configuration: GatewayConfiguration) -> Bool {
        record.keepOutputs || (record.name == name.rawValue && configuration.keepDreamMachineOutputs)
    }
}
