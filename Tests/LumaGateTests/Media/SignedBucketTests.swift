import AsyncHTTPClient
import Foundation
@testable import LumaGate
import Testing

/// Every kind of request the gateway sends to a bucket, against a server that checks each
/// request's Signature V4 as AWS does (`scripts/test-s3 --verifying`): keys that need encoding,
/// a multipart upload, ranges, listing pages; a wrong secret is refused; and a whole task's
/// media goes through it.
@Suite(.enabled(if: TestMedia.verifyingServer != nil, "needs LUMAGATE_TEST_S3_VERIFYING (scripts/test-s3 --verifying)"))
struct SignedBucketTests {
    @Test func everyRequestIsSignedAsTheServerChecks() async throws {
        let (location, credentials) = try #require(TestMedia.verifyingServer)
        let bucket = S3Bucket(location: location, credentials: credentials, httpClient: .shared, partBytes: 5 * 1024 * 1024)
        let odd = "odd/a b+c ü=x&y~.png"
        try await bucket.put(Data("small".utf8), as: odd, contentType: "image/png")
        #expect(try await bucket.read(odd) == Data("small".utf8))
        let file = TestGateway.temporaryDirectory() + "/parts.bin"
        let bytes = Data((0..<(11 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 / 7) })
        try bytes.write(to: URL(fileURLWithPath: file))
        try await bucket.upload(file: file, as: "tasks/t/video.mp4", contentType: "video/mp4")
        #expect(try await bucket.head("tasks/t/video.mp4")?.size == bytes.count)
        let ranged = try await bucket.stream("tasks/t/video.mp4", headers: [("range", "bytes=5242870-5242889")])
        #expect(ranged.status.code == 206)
        #expect(Data(buffer: try await ranged.body.collect(upTo: 100)) == bytes.subdata(in: 5_242_870..<5_242_890))
        for index in 0..<3 { try await bucket.put(Data([UInt8(index)]), as: "tasks/t/still-\(index).jpg", contentType: "image/jpeg") }
        var listed: [String] = []
        var after: String?
        repeat {
            let page = try await bucket.list(under: "tasks/t/", after: after)
            listed += page.paths
            after = page.next
        } while after != nil
        #expect(Set(listed) == ["tasks/t/video.mp4", "tasks/t/still-0.jpg", "tasks/t/still-1.jpg", "tasks/t/still-2.jpg"])
        let uploads = try await bucket.list(under: "odd/").paths
        #expect(uploads == [odd], "\(uploads)")
        try await bucket.delete(odd)
        #expect(try await bucket.head(odd) == nil)

        var wrong = credentials
        wrong.secretAccessKey = "not-" + credentials.secretAccessKey
        let refused = S3Bucket(location: location, credentials: wrong, httpClient: .shared)
        await #expect { try await refused.head("tasks/t/video.mp4") } throws: { error in
            (error as? S3Bucket.Failure)?.status == 403
        }
        await #expect { try await refused.put(Data("x".utf8), as: "tasks/t/x", contentType: "text/plain") } throws: { error in
            (error as? S3Bucket.Failure)?.code == "SignatureDoesNotMatch"
        }
    }

    @Test func aGatewayKeepsATaskInIt() async throws {
        let (location, credentials) = try #require(TestMedia.verifyingServer)
        try await TestGateway.with(configure: { $0.mediaBucket = (location, credentials) }) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(token: token, #"{"user_prompt": "signed all the way", "image_url": "\#(try Fixtures.pngDataURI())"}"#)["id"]
                as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "completed", "\(task)")
            let video = try #require((task["video"] as? [String: Any])?["url"] as? String)
            let part = try await gateway.request(.GET, video, headers: [("Range", "bytes=4-7")])
            #expect(part.status == 206 && part.body == Data("ftyp".utf8))
            #expect(try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(id)", token: token).status < 300)
            #expect(try await gateway.request(.GET, video).status == 404)
        }
    }
}
