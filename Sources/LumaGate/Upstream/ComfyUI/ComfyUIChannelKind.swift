import Foundation

extension ChannelRecord.Kind {
    public static let comfyUI = Self(rawValue: "comfyui")
}

/// A ComfyUI machine running the operator's video workflows; no key unless a proxy in front of
/// it asks for one (sent as a bearer token).
struct ComfyUIChannelKind: ChannelKind {
    let name = ChannelRecord.Kind.comfyUI
    let summary = "a ComfyUI machine running open video models (Wan 2.2, LTX-Video, your own workflows); no key needed"
    let defaultBaseURL: String? = nil
    let needsKey = false

    /// Reads its node classes and model files: it passes when it runs every model the channel is
    /// to serve (all of them when it names none, then at least one), and says which it cannot run and why.
    func check(_ http: UpstreamHTTP, comfyUI: ComfyUIModels, serving: [String]) async throws -> String {
        let (runnable, problems) = comfyUI.check(against: try await ComfyUIMapping.ObjectInfo.read(from: http))
        let explained = problems.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.joined(separator: "; ")))" }
        let missing = serving.filter { !runnable.contains($0) }
        guard missing.isEmpty, !runnable.isEmpty else {
            let unknown = missing.filter { comfyUI.workflows[$0] == nil }
            throw CheckFailure(
                description: unknown.isEmpty
                    ? "this machine cannot run \(explained.joined(separator: ", "))"
                    : "\(unknown.joined(separator: ", ")) \(unknown.count == 1 ? "is not a ComfyUI model" : "are not ComfyUI models")")
        }
        return "ComfyUI runs \(runnable.joined(separator: ", "))" + (explained.isEmpty ? "" : "; it cannot run \(explained.joined(separator: ", "))")
    }

    func check(_ http: UpstreamHTTP) async throws -> String {
        try await check(http, comfyUI: .builtIn, serving: [])
    }

    struct CheckFailure: Error, CustomStringConvertible {
        var description: String
    }

    func channel(for record: ChannelRecord, parts: ChannelParts) -> any UpstreamChannel {
        let baseURL = record.baseURL.hasSuffix("/") ? String(record.baseURL.dropLast()) : record.baseURL
        let http = UpstreamHTTP(httpClient: parts.httpClient, baseURL: baseURL, apiKey: record.apiKey, timeout: parts.timeout)
        return ComfyUIChannel(
            name: record.name, http: http, workflows: parts.configuration.comfyUI, models: parts.configuration.models, keeper: parts.keeper,
            store: parts.store, polling: parts.configuration.comfyUIPolling, clientID: "lumagate-\(UUID().uuidString.lowercased())",
            now: parts.now)
    }
}
