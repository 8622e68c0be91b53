extension ChannelRecord.Kind {
    public static let lumaRelay = Self(rawValue: "luma-relay")
}

/// Another relay that speaks the relay format, with its token; it keeps its own outputs.
struct LumaRelayChannelKind: ChannelKind {
    let name = ChannelRecord.Kind.lumaRelay
    let summary = "another relay that speaks the relay format (/luma), with its token and base URL (the relay's root)"
    let defaultBaseURL: String? = nil

    /// A one-task list: free, and it proves the token.
    func check(_ http: UpstreamHTTP) async throws -> String {
        _ = try await http.send(.GET, "/luma/generations?limit=1")
        return "the relay accepted the token"
    }

    func channel(for record: ChannelRecord, parts: ChannelParts) -> any UpstreamChannel {
        var settings = LumaRelayChannel.Settings(token: record.apiKey, baseURL: record.baseURL)
        settings.polling = parts.configuration.upstreamPolling
        settings.timeout = parts.timeout
        return LumaRelayChannel(name: record.name, settings: settings, httpClient: parts.httpClient, publicURL: parts.publicURL, now: parts.now)
    }
}
