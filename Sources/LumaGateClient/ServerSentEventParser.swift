import Foundation

/// Splits a `text/event-stream` body into events as its bytes arrive, in chunks cut anywhere:
/// the `data` of each event (its lines joined by newlines) and the last `id` seen. Comments (a
/// heartbeat) and events without data are skipped.
struct ServerSentEventParser {
    struct Event {
        var id: String?
        var data: Data
    }

    private var buffer = Data()
    private var dataLines: [Data] = []
    private(set) var lastEventID: String?

    /// The events that `chunk` completes.
    mutating func feed(_ chunk: some DataProtocol) -> [Event] {
        buffer.append(contentsOf: chunk)
        var events: [Event] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer[buffer.startIndex..<newline]
            buffer = buffer[buffer.index(after: newline)...]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty {
                if !dataLines.isEmpty { events.append(Event(id: lastEventID, data: Data(dataLines.joined(separator: [0x0A])))) }
                dataLines = []
            } else if line.starts(with: Array("data:".utf8)) {
                dataLines.append(Self.value(line.dropFirst(5)))
            } else if line.starts(with: Array("id:".utf8)) {
                lastEventID = String(decoding: Self.value(line.dropFirst(3)), as: UTF8.self)
            }
        }
        buffer = Data(buffer)
        return events
    }

    /// A field's value: what follows the colon, less one leading space.
    private static func value(_ rest: Data.SubSequence) -> Data {
        Data(rest.first == UInt8(ascii: " ") ? rest.dropFirst() : rest)
    }
}
