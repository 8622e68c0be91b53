import Foundation
import Logging

/// Log lines as text on standard error, as swift-log's `StreamLogHandler` writes them
/// (`<time> <level> <label>: <metadata> [<source>] <message>`), but with the metadata written out
/// only when a line is logged: `StreamLogHandler` renders it on every change, and every request
/// sets its request id, so a quiet gateway paid for a line it never wrote on each request.
public struct TextLogHandler: LogHandler {
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
        let pretty = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let text = "\(RFC3339.timestamp(Date().millis)) \(level) \(label):\(pretty) [\(source)] \(message)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
