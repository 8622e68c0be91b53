import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Reads a JSON request body within a size limit and decodes it, turning every way it can be
/// wrong into a 4xx that names the problem (and the field, when there is one).
struct JSONRequestBody {
    let maxBytes: Int

    func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try await decodeSubmission(type, from: request).value
    }

    /// Decodes a body that creates a task, with the request's `Idempotency-Key` if it has one.
    func decodeSubmission<T: Decodable>(_ type: T.Type, from request: Request) async throws -> (value: T, idempotency: IdempotencyKey?) {
        let buffer = try await bytes(of: request)
        return (try decode(type, bytes: buffer), try Self.idempotency(of: request, body: buffer))
    }

    /// The request's `Idempotency-Key`, if it sent one, for the body read.
    static func idempotency(of request: Request, body: ByteBuffer) throws -> IdempotencyKey? {
        try request.headers[HTTPField.Name(IdempotencyKey.header)!].map {
            try IdempotencyKey(key: $0, method: request.method.rawValue, path: request.uri.path, body: Data(body.readableBytesView))
        }
    }

    /// Decodes a body already read with `bytes(of:)`.
    func decode<T: Decodable>(_ type: T.Type, bytes buffer: ByteBuffer) throws -> T {
        if let scanned = T.self as? any ScannedJSONBody.Type, let value = buffer.withUnsafeReadableBytes(scanned.scan) as? T {
            return value
        }
        let data = Data(buffer.readableBytesView)
        try Self.refuseNUL(in: data)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw GatewayError.invalidRequest(Self.describe(error))
        }
    }

    /// A JSON body's bytes, after the checks every one gets: its media type, its size (declared
    /// and actual) within the limit, and not empty.
    func bytes(of request: Request) async throws -> ByteBuffer {
        if let contentType = request.headers[.contentType] {
            let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
                throw GatewayError.unsupportedMediaType("Send the body as JSON with Content-Type: application/json (got \(contentType)).")
            }
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw tooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        guard buffer.readableBytes > 0 else {
            throw GatewayError.invalidRequest("The request body is empty; send a JSON object.")
        }
        return buffer
    }

    private var tooLarge: GatewayError {
        let limit = maxBytes >= 1024 * 1024 ? "\(maxBytes / (1024 * 1024)) MiB" : "\(maxBytes / 1024) KiB"
        return .payloadTooLarge("The request body is larger than \(limit), the most this gateway accepts.")
    }

    /// A 400 naming the first string (a key or a value) of a JSON body that holds U+0000. No
    /// field has a use for it, and PostgreSQL refuses it in text, so it is turned away here
    /// rather than failing deep in a write (or in a lookup shared with other clients' queries).
    static func refuseNUL(in data: Data) throws {
        if let field = fieldHoldingNUL(data) {
            throw GatewayError.invalidRequest("Field `\(field)` holds a NUL character (\\u0000), which no text here may hold.")
        }
    }

    /// Only a body that spells `\u0000` is parsed for the path.
    private static func fieldHoldingNUL(_ data: Data) -> String? {
        guard data.range(of: Data(#"\u0000"#.utf8)) != nil,
            let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return nil }
        func search(_ value: Any, _ path: String) -> String? {
            switch value {
            case let text as String:
                return text.utf8.contains(0) ? path : nil
            case let array as [Any]:
                return array.enumerated().lazy.compactMap { search($1, "\(path)[\($0)]") }.first
            case let object as [String: Any]:
                return object.sorted { $0.key < $1.key }.lazy.compactMap { key, value in
                    let field = path.isEmpty ? key : "\(path).\(key)"
                    return key.utf8.contains(0) ? field : search(value, field)
                }.first
            default:
                return nil
            }
        }
        return search(root, "")
    }

    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return "The body must be a JSON object."
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "Field `\(field(context.codingPath))` must be \(typeName(type))."
        case .keyNotFound(let key, let context):
            return "Field `\(field(context.codingPath + [key]))` is required."
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "The body is not valid JSON."
        case .dataCorrupted(let context):
            return "Field `\(field(context.codingPath))` is not valid: \(context.debugDescription)"
        @unknown default:
            return "The body could not be read as the expected JSON."
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is Bool.Type, is Bool?.Type: "a boolean (true or false)"
        case is Int.Type, is Int?.Type: "an integer"
        case is Double.Type, is Double?.Type: "a number"
        case _ where String(describing: type).hasPrefix("Array"): "an array"
        case _ where String(describing: type).hasPrefix("Dictionary"): "a JSON object"
        default: "a JSON object"
        }
    }
}
