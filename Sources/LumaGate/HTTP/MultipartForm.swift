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
    /// The body as received.
    let raw: ByteBuffer

    /// The text of the first part named `name`.
    func value(_ name: String) -> String? {
        parts.first { $0.name == name }?.text
    }

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
        // Past `maxBytes` this throws, which the error middleware answers with a 413.
        let buffer = try await request.body.collect(upTo: maxBytes)
        var parts: [Part] = []
        var headers: [(String, String)] = []
        var body = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { headers.append(($0, $1)) }
        parser.onBody = { body.writeBuffer(&$0) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            if let name = parameter("name", of: disposition) {
                parts.append(Part(name: name, filename: parameter("filename", of: disposition),
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
        return MultipartForm(parts: parts, raw: buffer)
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
