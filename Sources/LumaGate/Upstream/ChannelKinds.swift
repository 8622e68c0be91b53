/// The registry of upstream channel kinds: adding a kind is adding its folder and one line here.
public enum ChannelKinds {
    static let all: [any ChannelKind] = [
        DreamMachineChannelKind(),
        LumaAgentsChannelKind(),
        LumaRelayChannelKind(),
        ComfyUIChannelKind(),
    ]

    /// Each kind's name, what it is and its default base URL, for help texts.
    public static var descriptions: [(name: String, summary: String, defaultBaseURL: String?)] {
        all.map { ($0.name.rawValue, $0.summary, $0.defaultBaseURL) }
    }

    /// The kind named `name`, if this gateway knows it.
    static func named(_ name: String) -> (any ChannelKind)? {
        all.first { $0.name.rawValue == name }
    }

    /// The names, as a sentence lists them.
    static var names: String { all.map(\.name.rawValue).joined(separator: ", ") }
}
