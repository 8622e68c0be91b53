import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging

/// This gateway's connection to a ComfyUI machine's `/ws?clientId=`: the machine's queue length,
/// and the progress, start and end of this gateway's prompts (ComfyUI sends a prompt's events to
/// the client that posted it). Kept open for the gateway's life, reconnected after a drop;
/// meanwhile the history polls carry on, so a dropped socket only makes news slower.
struct ComfyUISocket: Sendable {
    let baseURL: String
    let clientID: String
    let apiKey: String
    let machine: ComfyUIMachine
    let logger: Logger
    /// The pause before connecting again after a drop.
    var reconnectAfter: Duration = .seconds(2)

    /// `ws://machine:8188/ws?clientId=…` for `http://machine:8188`.
    var url: String {
        var components = URLComponents(string: baseURL) ?? URLComponents()
        components.scheme = components.scheme == "https" ? "wss" : "ws"
        components.path += "/ws"
        components.queryItems = [URLQueryItem(name: "clientId", value: clientID)]
        return components.string ?? baseURL
    }

    /// Follows the machine until the task is cancelled, handing each report to `report`;
    /// `onConnect` runs as each connection opens (a new connection may be a restarted machine),
    /// and once at the start of an outage (a machine whose socket cannot be reached still works).
    func follow(_ report: @escaping @Sendable (UpstreamReport) async -> Void, onConnect: @escaping @Sendable () async -> Void) async {
        var headers = HTTPFields()
        if !apiKey.isEmpty { headers[.authorization] = "Bearer \(apiKey)" }
        // Previews (binary frames) are dropped; a text message is a few kilobytes.
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: 8 << 20, additionalHeaders: headers, autoPing: .enabled(timePeriod: .seconds(30)))
        var failures = 0
        while !Task.isCancelled {
            do {
                try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, _, _ in
                    await onConnect()
                    for try await message in inbound.messages(maxSize: 8 << 20) {
                        guard case .text(let text) = message else { continue }
                        switch ComfyUIMapping.socketEvent(text) {
                        case .queue(let count): machine.record(queueLength: count)
                        case .progress(let id, let fraction): await report(.progress(taskID: id, fraction: fraction))
                        case .changed(let id): await report(.changed(taskID: id))
                        case .other: continue
                        }
                    }
                }
                failures = 0
            } catch {
                failures += 1
                // Once per outage, not at every attempt.
                if failures == 1 {
                    logger.warning("ComfyUI socket at \(url) dropped (\(error)); the history is polled meanwhile")
                    await onConnect()
                }
            }
            try? await Task.sleep(for: reconnectAfter)
        }
    }
}
