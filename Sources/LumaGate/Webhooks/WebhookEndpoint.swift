import Crypto
import Foundation

/// A URL a token registered to hear of its videos' outcomes (OpenAI's webhook endpoints), with the
/// secret its deliveries are signed with as Standard Webhooks.
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: String
    public var tokenID: String
    public var name: String
    public var url: String
    public var eventTypes: [String]
    public var signingSecret: String
    /// The secret before the last rotation, still signing until `previousSecretUntilMillis`.
    public var previousSecret: String?
    public var previousSecretUntilMillis: Int64?
    public var createdAtMillis: Int64
    public var updatedAtMillis: Int64

    /// The events lumagate sends: a video finished, either way.
    public static let eventTypes = ["video.completed", "video.failed"]
    /// Endpoints one token may have.
    public static let maxPerToken = 20

    /// `whsec_` and 32 random bytes in base64, as OpenAI's and Standard Webhooks' secrets are.
    static func newSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
    }

    static func newID() -> String {
        "we_" + SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }.hexString
    }

    /// What a listing shows of the secret: enough to tell two apart.
    var secretHint: String { "whsec_…" + signingSecret.suffix(4) }

    /// The secrets a delivery made at `millis` is signed with: the current one, and the previous
    /// one while it is kept.
    func secrets(at millis: Int64) -> [String] {
        guard let previousSecret, let until = previousSecretUntilMillis, millis < until else { return [signingSecret] }
        return [signingSecret, previousSecret]
    }
}
