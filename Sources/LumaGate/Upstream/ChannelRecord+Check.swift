import AsyncHTTPClient
import Foundation

extension ChannelRecord {
    /// Checks the channel's key with the cheapest call its upstream has (a ComfyUI machine: that
    /// it runs every workflow of `comfyUI`), and says what it found, or throws what went wrong.
    public func check(using httpClient: HTTPClient, comfyUI: ComfyUIModels = .builtIn) async throws -> String {
        guard let definition = kind.definition else { throw Invalid(description: "Unknown channel kind \(kind.rawValue).") }
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return try await definition.check(
            UpstreamHTTP(httpClient: httpClient, baseURL: base, apiKey: apiKey, timeout: .seconds(15)), comfyUI: comfyUI, serving: models)
    }
}
