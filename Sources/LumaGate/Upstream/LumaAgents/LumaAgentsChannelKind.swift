extension ChannelRecord.Kind {
    public static let lumaAgents = Self(rawValue: "luma-agents")
}

/// Luma's current API, the Agents API, with an API key. Its output links expire within the hour,
/// so its outputs are always kept.
struct LumaAgentsChannelKind: ChannelKind {
    let name = ChannelRecord.Kind.lumaAgents
    let summary = "Luma's current API, the Agents API, with an API key"
    let defaultBaseURL: String? = LumaAgentsChannel.defaultBaseURL

    func environmentRecord(in configuration: GatewayConfiguration) -> ChannelRecord? {
        configuration.lumaAgents.map {
            ChannelRecord(name: name.rawValue, kind: name, apiKey: $0.apiKey, baseURL: $0.baseURL, createdAtMillis: 0)
        }
    }

    /// A one-file list: free, and it proves the key.
    func check(_ http: UpstreamHTTP) async throws -> String {
        _ = try await http.send(.GET, "/files?limit=1")
        return "Luma's Agents API accepted the key"
    }

    func channel(for record: ChannelRecord, parts: ChannelParts) -> any UpstreamChannel {
        var settings = LumaAgentsChannel.Settings(apiKey: record.apiKey, baseURL: record.baseURL)
        settings.polling = parts.configuration.agentsPolling
        settings.timeout = parts.timeout
        return LumaAgentsChannel(
            name: record.name, settings: settings, httpClient: parts.httpClient, keeper: parts.keeper, store: parts.store,
            now: parts.now)
    }
}
