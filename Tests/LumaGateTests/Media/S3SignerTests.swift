import Foundation
import LumaGate
import Testing

/// The signer against AWS's published Signature V4 examples for S3 (the S3 API reference's
/// "Signature Calculations for the Authorization Header" and "Authenticating Requests: Using
/// Query Parameters"), and against path-style requests as lumagate sends them to other stores
/// (computed with botocore, the AWS SDK for Python, from the same inputs).
struct S3SignerTests {
    static let signer = S3Signer(
        credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    /// 20130524T000000Z
    static let date = Date(timeIntervalSince1970: 1_369_353_600)
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let awsHost = "examplebucket.s3.amazonaws.com"

    static func signature(
        _ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)],
        payloadHash: String = emptyHash
    ) throws -> (signedHeaders: String, signature: String) {
        let added = signer.sign(method: method, path: path, query: query, headers: headers, payloadHash: payloadHash, date: date)
        let authorization = try #require(added.first { $0.0 == "Authorization" }?.1)
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "))
        #expect(added.contains { $0 == ("x-amz-date", "20130524T000000Z") })
        #expect(added.contains { $0 == ("x-amz-content-sha256", payloadHash) })
        let fields = authorization.components(separatedBy: ", ")
        return (
            try #require(fields.first { $0.hasPrefix("SignedHeaders=") }).replacingOccurrences(of: "SignedHeaders=", with: ""),
            try #require(fields.first { $0.hasPrefix("Signature=") }).replacingOccurrences(of: "Signature=", with: "")
        )
    }

    @Test func awsGetObjectWithRange() throws {
        let signed = try Self.signature("GET", "/test.txt", headers: [("Host", Self.awsHost), ("Range", "bytes=0-9")])
        #expect(signed.signedHeaders == "host;range;x-amz-content-sha256;x-amz-date")
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func awsPutObject() throws {
        let body = Data("Welcome to Amazon S3.".utf8)
        #expect(S3Signer.sha256Hex(body) == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        #expect(S3Signer.encodePath("/test$file.text") == "/test%24file.text")
        let signed = try Self.signature(
            "PUT", S3Signer.encodePath("/test$file.text"),
            headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("Host", Self.awsHost), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            payloadHash: S3Signer.sha256Hex(body))
        #expect(signed.signedHeaders == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func awsGetBucketLifecycle() throws {
        let signed = try Self.signature("GET", "/", query: [("lifecycle", "")], headers: [("Host", Self.awsHost)])
        #expect(signed.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func awsListObjectsSortsTheQuery() throws {
        let signed = try Self.signature("GET", "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [("Host", Self.awsHost)])
        #expect(signed.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func awsPresignedURL() {
        let query = Self.signer.presignedQuery(method: "GET", host: Self.awsHost, path: "/test.txt", expires: 86400, date: Self.date)
        #expect(
            query == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    /// Path-style, a port in `host`, a key with a space, `+` and a non-ASCII letter.
    @Test func pathStyleWithAnEncodedKey() throws {
        let path = "/lumagate-test-media/" + S3Signer.encodePath("videos/a b+ü.mp4")
        #expect(path == "/lumagate-test-media/videos/a%20b%2B%C3%BC.mp4")
        let signed = try Self.signature(
            "PUT", path, headers: [("Content-Type", "video/mp4"), ("Host", "127.0.0.1:4566")],
            payloadHash: S3Signer.unsignedPayload)
        #expect(signed.signature == "f3eab0ec244c54f0816d34e5d79df5a2cd56775eeef02559d287aa7fea10b546")
    }

    @Test func multipartAndListQueries() throws {
        let part = try Self.signature(
            "PUT", "/lumagate-test-media/videos/v.mp4", query: [("partNumber", "1"), ("uploadId", "abc123")],
            headers: [("Host", "127.0.0.1:4566")], payloadHash: S3Signer.unsignedPayload)
        #expect(part.signature == "25c3c1b2fb82fb5012cbdd43385d86e329433739587486c13cf7b487bae2ced2")
        let create = try Self.signature(
            "POST", "/lumagate-test-media/videos/v.mp4", query: [("uploads", "")],
            headers: [("Content-Type", "video/mp4"), ("Host", "127.0.0.1:4566")])
        #expect(create.signature == "ca0a2c23d8a83599c8e6cda3790d5f6d22dd1bb796af469c02dd31dc044eca42")
        let list = try Self.signature(
            "GET", "/lumagate-test-media",
            query: [("list-type", "2"), ("prefix", "videos/"), ("continuation-token", "1/ab==")],
            headers: [("Host", "127.0.0.1:4566")])
        #expect(list.signature == "083ffec8c4223a5d1e44f4216fb3f530b95835e356af02d017cfb398161eee53")
    }

    @Test func sessionTokenIsSignedAndSent() {
        var credentials = Self.signer.credentials
        credentials.sessionToken = "token/with+signs"
        let added = S3Signer(credentials: credentials, region: "us-east-1")
            .sign(method: "GET", path: "/k", query: [], headers: [("host", "h")], payloadHash: Self.emptyHash, date: Self.date)
        #expect(added.contains { $0 == ("x-amz-security-token", "token/with+signs") })
        #expect(added.last?.1.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") == true)
    }
}
