import Crypto
import Foundation
import Hummingbird

/// A create, extend or edit body as the `openai` SDKs send it (multipart/form-data, nested
/// objects as `video[id]`), or as JSON: either way, flat fields named the multipart way, and the
/// file parts, and what the `Idempotency-Key` check compares.
struct OpenAIRequestFields {
    var values: [String: String] = [:]
    /// Fields JSON gave as numbers or booleans, not strings.
    var nonStrings: Set<String> = []
    var files: [String: MultipartForm.Part] = [:]
    /// The request as the `Idempotency-Key` check compares it: JSON's bytes as sent; a multipart
    /// body's fields and files in a canonical form, since a client retrying it picks a new boundary.
    var fingerprint = Data()

    /// `body` is the intake every JSON body goes through; a multipart one has its byte limit.
    static func read(_ request: Request, body: JSONRequestBody) async throws -> OpenAIRequestFields {
        var fields = OpenAIRequestFields()
        if MultipartForm.isMultipart(request) {
            let form = try await MultipartForm.read(request, maxBytes: body.maxBytes)
            for part in form.parts {
                if part.filename != nil {
                    fields.files[part.name] = fields.files[part.name] ?? part
                } else {
                    fields.values[part.name] = fields.values[part.name] ?? part.text
                }
            }
            let canonical =
                fields.values.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }
                + fields.files.sorted { $0.key < $1.key }.map { [$0.key, SHA256.hash(data: Data(buffer: $0.value.body)).description] }
            fields.fingerprint = (try? JSONSerialization.data(withJSONObject: canonical)) ?? Data()
            return fields
        }
        fields.fingerprint = Data(buffer: try await body.bytes(of: request))
        try JSONRequestBody.refuseNUL(in: fields.fingerprint)
        guard let object = (try? JSONSerialization.jsonObject(with: fields.fingerprint)) as? [String: Any] else {
            throw GatewayError.invalidRequest("The body must be a JSON object.")
        }
        try fields.flatten(object, prefix: nil)
        return fields
    }

    private mutating func flatten(_ object: [String: Any], prefix: String?) throws {
        for (key, value) in object {
            let name = prefix.map { "\($0)[\(key)]" } ?? key
            switch value {
            case let nested as [String: Any]: try flatten(nested, prefix: name)
            case let text as String: values[name] = text
            case let number as NSNumber:
                values[name] = number.stringValue
                nonStrings.insert(name)
            case is NSNull: continue
            default: throw GatewayError.invalidRequest("Field `\(name)` must be a string or a number.")
            }
        }
    }

    /// A required text field, trimmed, that must not be blank.
    func required(_ name: String) throws -> String {
        guard !nonStrings.contains(name) else { throw GatewayError.invalidRequest("Field `\(name)` must be a string.") }
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw GatewayError.invalidRequest("Field `\(name)` is required.")
        }
        guard !value.isEmpty else { throw GatewayError.invalidRequest("Field `\(name)` must not be blank.") }
        return value
    }
}
