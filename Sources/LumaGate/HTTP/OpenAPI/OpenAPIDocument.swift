import Foundation
import Hummingbird

/// The OpenAPI 3.1 document of every API face, served without a token at `GET /openapi.json`.
/// It is kept as files, embedded at build time: `base.openapi.json` here (info, tags, what the
/// faces share) and one `*.openapi.json` beside each face's controller (its paths and the
/// components it owns), which the face names (`APIFace.openAPI`). They are merged once, at start:
/// the base, then each face's paths and, kind by kind, its components. `scripts/check-openapi`
/// merges them the same way and checks the result; Tests/sdk/test_openapi.py checks live
/// responses against it and scripts/fuzz-api fuzzes every operation from it.
struct OpenAPIDocument {
    let json: ByteBuffer

    init(faces: [any APIFace]) {
        guard var document = Self.object(PackageResources.base_openapi_json) else { preconditionFailure("base.openapi.json is not a JSON object") }
        for face in faces {
            guard let file = Self.object(face.openAPI) else { preconditionFailure("the OpenAPI file of /\(face.prefix) is not a JSON object") }
            document["paths"] = Self.merged(document["paths"], file["paths"])
            var components = document["components"] as? [String: Any] ?? [:]
            for (kind, entries) in file["components"] as? [String: Any] ?? [:] {
                components[kind] = Self.merged(components[kind], entries)
            }
            document["components"] = components
        }
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        json = ByteBuffer(data: data)
    }

    /// The document as the response to `GET /openapi.json`.
    var response: Response {
        .json(json)
    }

    private static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    private static func merged(_ base: Any?, _ addition: Any?) -> [String: Any] {
        (base as? [String: Any] ?? [:]).merging(addition as? [String: Any] ?? [:]) { first, _ in first }
    }
}
