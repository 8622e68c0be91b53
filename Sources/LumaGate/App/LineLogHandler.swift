import Foundation
import Logging

/// One line per log entry on standard error: as text, the way swift-log's `StreamLogHandler`
/// writes it (`<time> <level> <label>: <metadata> [<source>] <message>`), or as a JSON object
/// for log collectors (`{"time":…,"level":…,"label":…,"message":…,"source":…,<metadata>…}`).
/// Metadata is rendered only when a line is written: `StreamLogHandler` renders it on every
/// change, and every request sets its request id, so a quiet gateway paid on each request for a
/// line it never wrote.
public struct LineLogHandler: LogHandler {
    public enum Format: Sendable { case text, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let format: Format

    public init(label: String, format: Format) {
        self.label = label
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error { merged["error"] = "\(error)" }
        let entries = merged.sorted { $0.key < $1.key }
        let time = RFC3339.timestamp(Date().millis)
        let line: String
        switch format {
        case .text:
            let pretty = entries.map { " \($0.key)=\($0.value)" }.joined()
            line = "\(time) \(event.level) \(label):\(pretty) [\(event.source)] \(event.message)\n"
        case .json:
            let members: [(String, JSONValue)] = [
                ("time", .string(time)), ("level", .string(event.level.rawValue)), ("label", .string(label)),
                ("message", .string(event.message.description)), ("source", .string(event.source)),
            ]
            line = JSONValue.object(members + entries.map { ($0.key, Self.json($0.value)) }).serialized() + "\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let entries): .object(entries.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }
}
