import AsyncHTTPClient
import Foundation

extension ChannelRecord {
    /// Checks the channel's key with the cheapest call its upstream has, and says what it found,
    /// or throws what went wrong.
    public func check(using httpClient: HTTPClient) async throws -> String {
        guard let definition = kind.definition else { throw Invalid(description: "Unknown channel kind \(kind.rawValue).") }
        return try await definition.check(UpstreamHTTP(httpClient: httpClient, baseURL: baseURL, apiKey: apiKey, timeout: .seconds(15)))
    }
}
