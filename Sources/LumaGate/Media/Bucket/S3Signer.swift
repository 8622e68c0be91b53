import Crypto
import Foundation

/// AWS Signature Version 4 for S3, by header (`Authorization`) and by query (presigned URLs).
/// Paths are signed as S3 signs them: each segment URI-encoded once, never twice.
public struct S3Signer: Sendable {
    public struct Credentials: Sendable {
        public var accessKeyID: String
        public var secretAccessKey: String
        /// A temporary credential's token (`AWS_SESSION_TOKEN`), sent as `x-amz-security-token`.
        public var sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public let credentials: Credentials
    public let region: String

    public init(credentials: Credentials, region: String) {
        self.credentials = credentials
        self.region = region
    }

    /// The hash of a body that is not hashed (allowed by S3, for presigned URLs).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// The headers to add to a request: `x-amz-date`, `x-amz-content-sha256`, the session token
    /// when there is one, and `Authorization`. `path` is already encoded (`encodePath`), `query` is
    /// raw; `headers` are the others to sign, `host` among them.
    public func sign(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String,
        date: Date
    ) -> [(String, String)] {
        let (stamp, day) = Self.timestamps(date)
        var added = [("x-amz-date", stamp), ("x-amz-content-sha256", payloadHash)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        let signed = Self.canonicalHeaders(headers + added)
        let request = [method, path, Self.canonicalQuery(query), signed.block, signed.names, payloadHash].joined(separator: "\n")
        let signature = self.signature(of: request, stamp: stamp, day: day)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(day)), SignedHeaders=\(signed.names), Signature=\(signature)"
        return added + [("Authorization", authorization)]
    }

    /// The query string of a presigned URL for `method` on `path` (encoded), valid `expires`
    /// seconds from `date`; only `host` is signed.
    public func presignedQuery(
        method: String, host: String, path: String, query: [(String, String)] = [], expires: Int,
        date: Date
    ) -> String {
        let (stamp, day) = Self.timestamps(date)
        var parameters =
            query + [
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(day))"),
                ("X-Amz-Date", stamp),
                ("X-Amz-Expires", String(expires)),
                ("X-Amz-SignedHeaders", "host"),
            ]
        if let token = credentials.sessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        let canonical = Self.canonicalQuery(parameters)
        let request = [method, path, canonical, "host:\(host)\n", "host", Self.unsignedPayload].joined(separator: "\n")
        return canonical + "&X-Amz-Signature=" + signature(of: request, stamp: stamp, day: day)
    }

    /// `key` as a URL path: every byte URI-encoded except unreserved ones and `/`.
    public static func encodePath(_ key: String) -> String {
        encode(key, keepingSlash: true)
    }

    public static func sha256Hex(_ data: some DataProtocol) -> String {
        Data(SHA256.hash(data: data)).hexString
    }

    private func scope(_ day: String) -> String {
        "\(day)/\(region)/s3/aws4_request"
    }

    private func signature(of canonicalRequest: String, stamp: String, day: String) -> String {
        let toSign = ["AWS4-HMAC-SHA256", stamp, scope(day), Self.sha256Hex(Data(canonicalRequest.utf8))].joined(separator: "\n")
        var key = SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, "s3", "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return Data(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key)).hexString
    }

    private static func canonicalHeaders(_ headers: [(String, String)]) -> (block: String, names: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let squeezed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[name.lowercased(), default: []].append(squeezed)
        }
        let names = merged.keys.sorted()
        return (names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined(), names.joined(separator: ";"))
    }

    /// The query as signed, which is also a valid query string to send (`uploads` as `uploads=`).
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (encode($0.0, keepingSlash: false), encode($0.1, keepingSlash: false)) }
        let sorted = encoded.sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func encode(_ text: String, keepingSlash: Bool) -> String {
        var encoded: [UInt8] = []
        for byte in text.utf8 {
            if unreserved.contains(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                encoded.append(byte)
            } else {
                encoded += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static func timestamps(_ date: Date) -> (stamp: String, day: String) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let day = String(format: "%04d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday)
        return (day + String(format: "T%02d%02d%02dZ", parts.tm_hour, parts.tm_min, parts.tm_sec), day)
    }
}
