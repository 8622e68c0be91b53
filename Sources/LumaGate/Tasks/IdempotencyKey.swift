import Crypto
import Foundation

/// A client's `Idempotency-Key` with the fingerprint of the request it came with: a retried
/// submit with the same key and the same request gets the same task (charged once) for 24 hours;
/// the same key with another request is a conflict.
public struct IdempotencyKey: Sendable, Equatable {
    public static let header = "Idempotency-Key"
    public static let lifetimeMillis: Int64 = 24 * 3600 * 1000
    /// A claim this old was left by a request whose process died; its work (image fetches and
    /// imports, each bounded well under this) cannot still be under way.
    static let claimLifetimeMillis: Int64 = 5 * 60 * 1000
    static let maxLength = 255

    public var key: String
    /// SHA-256 of the method, path and body.
    public var requestHash: String

    public init(key: String, method: String, path: String, body: Data) throws {
        guard !key.isEmpty, key.count <= Self.maxLength else {
            throw GatewayError.invalidRequest("The \(Self.header) header must be 1 to \(Self.maxLength) characters.")
        }
        var fingerprint = Data("\(method) \(path)\n".utf8)
        fingerprint.append(body)
        self.key = key
        self.requestHash = Data(SHA256.hash(data: fingerprint)).hexString
    }

    static func inProgress(_ key: String) -> GatewayError {
        .conflict("A request with the \(header) \"\(key)\" is still being processed; retry it once that one has answered.")
    }

    static func reusedWithAnotherRequest(_ key: String) -> GatewayError {
        .conflict("The \(header) \"\(key)\" was used with a different request in the last 24 hours; use a new key for a new request.")
    }
}
