import Foundation
import Hummingbird

/// The OpenAPI 3.1 document of every API face, served without a token at `GET /openapi.json`.
/// It is kept as files, embedded at build time: `base.openapi.json` here (info, tags, what the
/// faces share) and one `*.openapi.json` beside each face's controller (its paths and the
/// components it owns). They are merged once, at start: the base, then each face's paths and,
/// kind by kind, its components. `scripts/check-openapi` merges them the same way and checks the
/// result; Tests/sdk/test_openapi.py checks live responses against it and scripts/fuzz-api
/// fuzzes every operation from it.
enum OpenAPIDocument {
    static let faces: [[UInt8]] = [
        PackageResources.luma_openapi_json, PackageResources.dream_machine_openapi_json,
        PackageResources.agents_openapi_json, PackageResources.openai_videos_openapi_json, PackageResources.admin_openapi_json,
    ]

    static let json: ByteBuffer = {
        guard var document = object(PackageResources.base_openapi_json) else { preconditionFailure("base.openapi.json is not a JSON object") }
        for bytes in faces {
            guard let face = object(bytes) else { preconditionFailure("a face's OpenAPI file is not a JSON object") }
            document["paths"] = merged(document["paths"], face["paths"])
            var components = document["components"] as? [String: Any] ?? [:]
            for (kind, entries) in face["components"] as? [String: Any] ?? [:] {
                components[kind] = merged(components[kind], entries)
            }
            document["components"] = components
        }
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return ByteBuffer(data: data)
    }()

    /// The document as the response to `GET /openapi.json`.
    static var response: Response {
        .json(json)
    }

    private static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    private static func merged(_ base: Any?, _ addition: Any?) -> [String: Any] {
        (base as? [String: Any] ?? [:]).merging(addition as? [String: Any] ?? [:]) { first, _ in first }
    }
}
