import AsyncHTTPClient
import Foundation

extension ChannelRecord {
    /// Checks the channel's key with the cheapest call its upstream has (Luma: the credit balance;
    /// the Agents API: a one-file list; a relay: a one-task list) and says what it found, or throws what went wrong.
    public func check(using httpClient: HTTPClient) async throws -> String {
        let http = UpstreamHTTP(httpClient: httpClient, baseURL: baseURL, apiKey: apiKey, timeout: .seconds(15))
        switch kind {
        case .dreamMachine:
            struct Credits: Decodable { var credit_balance: Double? }
            let data = try await http.send(.GET, "/credits")
            let balance = (try? JSONDecoder().decode(Credits.self, from: data))?.credit_balance
            return "Luma accepted the key" + (balance.map { "; credit balance \($0)" } ?? "")
        case .lumaAgents:
            _ = try await http.send(.GET, "/files?limit=1")
            return "Luma's Agents API accepted the key"
        case .lumaRelay:
            _ = try await http.send(.GET, "/luma/generations?limit=1")
            return "the relay accepted the token"
        }
    }
}
