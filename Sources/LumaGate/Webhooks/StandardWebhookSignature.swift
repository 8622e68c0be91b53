import Crypto
import Foundation

/// The signature of Standard Webhooks (standardwebhooks.com), as OpenAI signs its webhooks and its
/// SDKs' `webhooks.unwrap` checks it: `webhook-signature` is `v1,<base64 HMAC-SHA256 of
/// "<webhook-id>.<webhook-timestamp>.<body>">`, keyed with the secret's bytes after `whsec_`, one
/// such value per secret, space-separated.
enum StandardWebhookSignature {
    static func headers(id: String, body: some DataProtocol, secrets: [String], at date: Date) -> [(String, String)] {
        let timestamp = String(Int64(date.timeIntervalSince1970))
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let signatures = secrets.map { secret in
            let key = secret.hasPrefix("whsec_") ? Data(base64Encoded: String(secret.dropFirst(6))) ?? Data(secret.utf8) : Data(secret.utf8)
            return "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))).base64EncodedString()
        }
        return [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signatures.joined(separator: " "))]
    }
}
