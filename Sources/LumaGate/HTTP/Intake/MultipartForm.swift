import Foundation
import Hummingbird
import MultipartKit

/// A `multipart/form-data` body read within a size limit and split into its parts by
/// multipart-kit's parser; every way it can be wrong is a 4xx that says so.
struct MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var body: ByteBuffer

        var text: String { String(buffer: body) }
    }

    let parts: [Part]
    static let maxBoundaryLength = 70
    /// The body as received.
    let raw: ByteBuffer

    /// The first part named `name` that carries a file (it has a filename).
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.filename != nil }
    }

    /// Whether the request says its body is `multipart/form-data`.
    static func isMultipart(_ request: Request) -> Bool {
        mediaType(of: request.headers[.contentType]) == "multipart/form-data"
    }

    static func read(_ request: Request, maxBytes: Int) async throws -> MultipartForm {
        let contentType = request.headers[.contentType] ?? ""
        guard let boundary = parameter("boundary", of: contentType), !boundary.isEmpty else {
            throw GatewayError.invalidRequest("A multipart/form-data body needs a boundary in its Content-Type.")
        }
        // RFC 2046 §5.1.1 allows 1 to 70 characters; a longer one would make every search for it
        // cost its length at each byte of the body.
        guard boundary.utf8.count <= maxBoundaryLength else {
            throw GatewayError.invalidRequest("The multipart/form-data boundary in the Content-Type is longer than \(maxBoundaryLength) characters.")
        }
        // Past `maxBytes` this throws, which the error middleware answers with a 413.
        let buffer = try await request.body.collect(upTo: maxBytes)
        guard headerNamesAreASCII(Array(buffer.readableBytesView), boundary: Array(("--" + boundary).utf8)) else {
            throw GatewayError.invalidRequest("The multipart/form-data body could not be read: a part's header is not ASCII.")
        }
        var parts: [Part] = []
        var headers: [(String, String)] = []
        var body = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { headers.append(($0, $1)) }
        parser.onBody = { body.writeBuffer(&$0) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            if let name = parameter("name", of: disposition) {
                parts.append(
                    Part(
                        name: name, filename: parameter("filename", of: disposition),
                        contentType: headers.first { $0.0.lowercased() == "content-type" }?.1, body: body))
            }
            headers = []
            body = ByteBuffer()
        }
        do {
            try parser.execute(buffer)
        } catch {
            throw GatewayError.invalidRequest("The multipart/form-data body could not be read.")
        }
        // As in JSON bodies (`JSONRequestBody.refuseNUL`): no name, filename or text has a
        // use for a NUL byte, and PostgreSQL refuses one in text.
        for part in parts {
            if part.name.utf8.contains(0) || part.filename?.utf8.contains(0) == true
                || (part.filename == nil && part.body.readableBytesView.contains(0))
            {
                let field = part.name.replacingOccurrences(of: "\0", with: "\\u0000")
                throw GatewayError.invalidRequest(
                    "Field `\(field)` holds a NUL byte in its \(part.filename == nil ? "value" : "filename"), which no field here may hold.")
            }
        }
        return MultipartForm(parts: parts, raw: buffer)
    }

    /// Whether every part header's name (what comes before its `:`) is ASCII. multipart-kit's
    /// parser looks each header-name byte up in a 128-entry table and traps on any byte past it,
    /// so a body that would reach it with one is refused before it is parsed. One pass, linear in
    /// the body: the search for the next boundary starts where the last header block ended, since
    /// a boundary inside a header block is header text to the parser too.
    static func headerNamesAreASCII(_ bytes: [UInt8], boundary: [UInt8]) -> Bool {
        var index = 0
        while let found = firstIndex(of: boundary, in: bytes, from: index) {
            // The rest of the delimiter's line, then header lines up to an empty one.
            let blockStart = found + boundary.count
            var line = blockStart
            while true {
                guard let end = firstIndex(of: [13, 10], in: bytes, from: line) else {
                    // The rest of the body is one unfinished line: the parser finds no boundary past it.
                    return !nameHasNonASCII(bytes[line...])
                }
                if end == line, line > blockStart {
                    index = end + 2
                    break
                }
                if nameHasNonASCII(bytes[line..<end]) { return false }
                line = end + 2
            }
        }
        return true
    }

    private static func nameHasNonASCII(_ line: ArraySlice<UInt8>) -> Bool {
        line.prefix(while: { $0 != UInt8(ascii: ":") }).contains(where: { $0 >= 0x80 })
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    static func mediaType(of contentType: String?) -> String {
        contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// A `key=value` (or `key="value"`) parameter of a header value.
    private static func parameter(_ key: String, of header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
