import Foundation
import Logging

/// Log lines as JSON objects, one per line on standard error, for log collectors:
/// `{"time":…,"level":…,"label":…,"message":…,"source":…,<metadata>…}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        let merged = self.metadata.merging(metadata ?? [:]) { $1 }
        var members: [(String, JSONValue)] = [
            ("time", .string(RFC3339.timestamp(Date().millis))),
            ("level", .string(level.rawValue)),
            ("label", .string(label)),
            ("message", .string(message.description)),
            ("source", .string(source)),
        ]
        members += merged.sorted { $0.key < $1.key }.map { ($0.key, Self.json($0.value)) }
        let line = JSONValue.object(members).serialized() + "\n"
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
