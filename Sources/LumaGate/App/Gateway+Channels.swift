import Foundation
import Logging

extension Gateway {
    /// Every channel tasks may be on, the router that picks among them for new tasks, the names of
    /// the channels in the store, and what the engine is, in a sentence for the log. Upstream
    /// channels are the stored ones, and those from the environment unless a stored channel has
    /// their name. Every one is built, so tasks on a disabled channel still finish; only the
    /// enabled ones take new tasks. With none enabled, the sandbox takes them. The sandbox stays
    /// registered even with an upstream, so its tasks in flight still finish.
    static func channels(
        configuration: GatewayConfiguration, repository: ChannelRepository, sandbox: SandboxChannel, parts: ChannelParts, ffmpeg: FFmpeg?,
        logger: Logger
    ) async throws -> (all: [any UpstreamChannel], router: ChannelRouter, stored: Set<String>, description: String) {
        var records = try await repository.all()
        let stored = Set(records.map(\.name))
        for kind in ChannelKinds.all {
            if let record = kind.environmentRecord(in: configuration), !stored.contains(record.name) { records.append(record) }
        }
        var channels: [any UpstreamChannel] = [sandbox]
        var routes: [ChannelRouter.Entry] = []
        for record in records {
            guard let kind = record.kind.definition else { continue }
            let channel = kind.channel(for: record, parts: parts)
            channels.append(channel)
            routes.append(.init(channel: channel, route: record.route))
        }
        // Disabled channels stay routable, so enabling one later takes effect without a restart.
        var disabled = Dictionary(
            records.filter { !$0.enabled }.map { ($0.name, $0.disabledReason ?? "disabled by an operator") },
            uniquingKeysWith: { first, _ in first })
        var description =
            ffmpeg.map { "sandbox (renders with \($0.executable))" }
            ?? "sandbox WITHOUT ffmpeg: install it (apt-get install ffmpeg) or every task will fail"
        if !records.contains(where: \.enabled) {
            (routes, disabled) = ([.init(channel: sandbox)], [:])
        } else {
            description =
                "upstream channels "
                + records.filter(\.enabled).map { "\($0.name) (priority \($0.priority), weight \($0.weight))" }.joined(separator: ", ")
                + (ffmpeg != nil ? "" : "; no ffmpeg: last frames and palettes of Luma's videos will be null")
        }
        let router = ChannelRouter(entries: routes, models: configuration.models, disabled: disabled, logger: logger) { name, reason in
            _ = try? await repository.setEnabled(false, name: name, reason: reason)
        }
        return (channels, router, stored, description)
    }
}
