import AsyncHTTPClient
import Foundation
@testable import LumaGate
import Testing

/// Media in an S3-compatible bucket (moto's server, which `./test` starts): the client for large
/// files, the three ways clients reach media, deletion, a bucket that fails mid-task, and three
/// processes on their own data directories sharing nothing but PostgreSQL and the bucket.
@Suite(.enabled(if: TestMedia.inBucket, "needs LUMAGATE_TEST_S3_ENDPOINT (scripts/test-s3)"))
struct MediaBucketTests {
    @Test func aLargeFileGoesUpInPartsAndComesBackByRange() async throws {
        let location = try #require(TestMedia.location(for: TestGateway.temporaryDirectory()))
        let file = TestGateway.temporaryDirectory() + "/large.bin"
        var bytes = Data(count: 12 * 1024 * 1024 + 123)
        for index in stride(from: 0, to: bytes.count, by: 4096) { bytes[index] = UInt8(truncatingIfNeeded: index / 4096) }
        try bytes.write(to: URL(fileURLWithPath: file))
        let bucket = S3Bucket(location: location, credentials: TestMedia.credentials, httpClient: .shared, partBytes: 5 * 1024 * 1024)
        try await bucket.upload(file: file, as: "tasks/large/video.mp4", contentType: "video/mp4")
        let head = try #require(try await bucket.head("tasks/large/video.mp4"))
        #expect(head.size == bytes.count)
        #expect(head.contentType == "video/mp4")
        #expect(head.etag?.hasSuffix("-3\"") == true, "three parts: \(head.etag ?? "")")
        // A range across the first part's end.
        let start = 5 * 1024 * 1024 - 10
        let ranged = try await bucket.stream("tasks/large/video.mp4", headers: [("range", "bytes=\(start)-\(start + 19)")])
        #expect(ranged.status.code == 206)
        let slice = try await ranged.body.collect(upTo: 1024)
        #expect(Data(buffer: slice) == bytes.subdata(in: start..<(start + 20)))
        let copy = TestGateway.temporaryDirectory() + "/copy.bin"
        #expect(try await bucket.download("tasks/large/video.mp4", to: copy))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == bytes)
        #expect(try await bucket.list(under: "tasks/large/").paths == ["tasks/large/video.mp4"])
        try await bucket.delete("tasks/large/video.mp4")
        #expect(try await bucket.head("tasks/large/video.mp4") == nil)
        #expect(try await bucket.download("tasks/large/video.mp4", to: copy) == false)
    }

    /// A rendered video is in the bucket, not on disk; the gateway streams it with Range, and a
    /// deleted task takes its objects along.
    @Test func throughTheGatewayWithRange() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let png = try Fixtures.pngDataURI()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "kept in a bucket", "image_url": "\#(png)"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect(task["state"] as? String == "completed", "\(task)")
            let video = try #require((task["video"] as? [String: Any])?["url"] as? String ?? task["video_url"] as? String)
            #expect(video == gateway.baseURL + "/media/tasks/\(id)/video.mp4")
            let objects = try await TestMedia.paths(under: "tasks/\(id)/", directory: gateway.directory)
            #expect(Set(objects).isSuperset(of: ["tasks/\(id)/video.mp4", "tasks/\(id)/thumbnail.jpg", "tasks/\(id)/last_frame.jpg"]), "\(objects)")
            #expect(!FileManager.default.fileExists(atPath: gateway.directory + "/media/tasks/\(id)"), "the render's scratch is gone")

            let whole = try await gateway.request(.GET, video)
            #expect(whole.status == 200)
            #expect(whole.header("content-type") == "video/mp4")
            #expect(whole.header("x-content-type-options") == "nosniff")
            #expect(whole.body.count > 1000 && whole.body.subdata(in: 4..<8) == Data("ftyp".utf8))
            let part = try await gateway.request(.GET, video, headers: [("Range", "bytes=100-199")])
            #expect(part.status == 206)
            #expect(part.header("content-range") == "bytes 100-199/\(whole.body.count)")
            #expect(part.body == whole.body.subdata(in: 100..<200))
            #expect(try await gateway.request(.GET, "/media/tasks/\(id)/missing.mp4").status == 404)
            #expect(try await gateway.request(.GET, "/media/tasks/\(id)/.rendering").status == 404)

            // The OpenAI face's content streams from the bucket too.
            let content = try await gateway.request(.GET, "/v1/videos/\(id)/content", token: token, headers: [("Range", "bytes=0-9")])
            #expect(content.status == 206 && content.body == whole.body.prefix(10))
            let sheet = try await gateway.request(.GET, "/v1/videos/\(id)/content?variant=spritesheet", token: token)
            #expect(sheet.status == 200 && sheet.body.prefix(2) == Data([0xFF, 0xD8]))
            #expect(try await TestMedia.exists("tasks/\(id)/spritesheet.jpg", directory: gateway.directory))

            let upload = try #require(try await gateway.gateway.tasks.find(id: id)?.request.image?.storedPath)
            #expect(try await TestMedia.exists(upload, directory: gateway.directory))
            #expect(try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(id)", token: token).status < 300)
            #expect(try await TestMedia.paths(under: "tasks/\(id)/", directory: gateway.directory).isEmpty)
            #expect(try await !TestMedia.exists(upload, directory: gateway.directory))
            #expect(try await gateway.request(.GET, video).status == 404)
        }
    }

    @Test func presignedLinksPointAtTheBucket() async throws {
        try await TestGateway.with(configure: { $0.mediaLinks = .presigned(lifetimeSeconds: 600) }) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "signed links"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            let video = try #require((task["video"] as? [String: Any])?["url"] as? String)
            let endpoint = try #require(TestMedia.endpoint)
            #expect(video.hasPrefix("\(endpoint)/\(TestMedia.bucketName)/"), "\(video)")
            #expect(video.contains("X-Amz-Expires=") && video.contains("&X-Amz-Signature="), "\(video)")
            // Signed at the start of a window, so every poll in it gets the same link.
            let again = try await gateway.request(.GET, "/luma/generations/\(id)", token: token).object
            #expect((again["video"] as? [String: Any])?["url"] as? String == video)
            let expires = try #require(URLComponents(string: video)?.queryItems?.first { $0.name == "X-Amz-Expires" }?.value.flatMap(Int.init))
            #expect((600...900).contains(expires))
            let part = try await TestGateway.request(.GET, video, headers: [("Range", "bytes=0-7")])
            #expect(part.status == 206 && part.body.subdata(in: 4..<8) == Data("ftyp".utf8))
            // Every face follows the setting; the gateway's own /media/ answers as well.
            let official = try await gateway.request(.GET, "/dream-machine/v1/generations/\(id)", token: token).object
            let assets = try #require(official["assets"] as? [String: Any])
            #expect((assets["video"] as? String)?.hasPrefix("\(endpoint)/") == true)
            #expect(try await gateway.request(.GET, "/media/tasks/\(id)/video.mp4").status == 200)
        }
    }

    @Test func aPublicBaseURLIsUsedAsItIs() async throws {
        try await TestGateway.with(configure: { $0.mediaLinks = .publicBase("https://cdn.example.com/clips") }) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "behind a CDN"}"#)["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token)
            #expect((task["video"] as? [String: Any])?["url"] as? String == "https://cdn.example.com/clips/tasks/\(id)/video.mp4")
            #expect((task["thumbnail"] as? [String: Any])?["url"] as? String == "https://cdn.example.com/clips/tasks/\(id)/thumbnail.jpg")
        }
    }

    /// While the bucket cannot be written a finished render is not a finished task: it stays
    /// processing, through a SIGKILL, until the bucket answers; then every file it names is there.
    @Test func aTaskIsFinishedOnlyOnceItsFilesAreInTheBucket() async throws {
        let directory = TestGateway.temporaryDirectory()
        let location = try #require(TestMedia.location(for: directory))
        let secret = try #require(
            try await ServeProcess.command(["token", "create", "--name", "patient", "--data-dir", directory])
                .output.split(separator: "\n").last.map(String.init))
        let timing = [
            "--sandbox-queued-seconds", "0", "--sandbox-dreaming-seconds", "0", "--upstream-timeout", "2", "--upstream-retry", "0.5",
            "--lease-seconds", "3",
        ]
        // Nothing listens on port 9 of this machine: every upload is refused.
        let down = try await ServeProcess.start(
            dataDirectory: directory, extraArguments: timing, environment: ["LUMAGATE_S3_ENDPOINT": "http://127.0.0.1:9"])
        let submitted = try await TestGateway.request(
            .POST, down.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "waits for its bucket"}"#)
        let id = try #require(submitted.object["id"] as? String)
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: directory + "/media/tasks/\(id)/thumbnail.jpg"), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(2))
        let waiting = try await TestGateway.request(.GET, down.baseURL + "/luma/generations/\(id)", token: secret).object
        #expect(waiting["state"] as? String == "processing", "\(waiting)")
        down.kill()

        let up = try await ServeProcess.start(dataDirectory: directory, extraArguments: timing)
        defer { up.stop() }
        var task: [String: Any] = [:]
        while task["state"] as? String != "completed", Date() < deadline.addingTimeInterval(60) {
            task = try await TestGateway.request(.GET, up.baseURL + "/luma/generations/\(id)", token: secret).object
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(task["state"] as? String == "completed", "\(task)")
        for key in ["video", "thumbnail", "last_frame"] {
            let url = try #require((task[key] as? [String: Any])?["url"] as? String)
            let path = String(url.split(separator: "/media/", maxSplits: 1).last ?? "")
            #expect(try await TestMedia.withBucket(location) { try await $0.head(path) } != nil, "\(key) is in the bucket")
            #expect(try await TestGateway.request(.GET, url).status == 200)
        }
    }

    /// Three processes, each with a data directory of its own, one PostgreSQL database and one
    /// bucket: every task is finished and every media URL answers from every process, also after
    /// one of them is killed.
    @Test(.enabled(if: TestStore.isPostgres, "needs LUMAGATE_TEST_POSTGRES_URL"))
    func threeProcessesShareNothingButTheStoreAndTheBucket() async throws {
        let shared = TestGateway.temporaryDirectory()
        let secret = try #require(
            try await ServeProcess.command(["token", "create", "--name", "shared", "--data-dir", shared])
                .output.split(separator: "\n").last.map(String.init))
        var environment = TestMedia.environment(forDataDirectory: shared)
        environment["LUMAGATE_DATABASE"] = try await TestStore.createdLocation(for: shared)
        let timing = ["--sandbox-queued-seconds", "0.2", "--sandbox-dreaming-seconds", "0.3", "--upstream-timeout", "2", "--lease-seconds", "5"]
        var servers: [ServeProcess] = []
        for _ in 0..<3 {
            servers.append(
                try await ServeProcess.start(dataDirectory: TestGateway.temporaryDirectory(), extraArguments: timing, environment: environment))
        }
        var ids: [String] = []
        for index in 0..<12 {
            let reply = try await TestGateway.request(
                .POST, servers[index % 3].baseURL + "/luma/generations", token: secret,
                json: #"{"user_prompt": "shared \#(index)"}"#)
            ids.append(try #require(reply.object["id"] as? String, "\(reply.text)"))
        }
        servers.remove(at: 1).kill()
        let deadline = Date().addingTimeInterval(180)
        for id in ids {
            var task: [String: Any] = [:]
            while task["state"] as? String != "completed", Date() < deadline {
                task = try await TestGateway.request(.GET, servers[0].baseURL + "/luma/generations/\(id)", token: secret).object
                if task["state"] as? String != "completed" { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(task["state"] as? String == "completed", "\(task)")
            let url = try #require((task["video"] as? [String: Any])?["url"] as? String)
            let path = String(url.split(separator: "/media/", maxSplits: 1).last ?? "")
            for server in servers {
                let part = try await TestGateway.request(.GET, server.baseURL + "/media/" + path, headers: [("Range", "bytes=4-7")])
                #expect(part.status == 206 && part.body == Data("ftyp".utf8), "\(server.baseURL) serves \(path)")
            }
        }
        for server in servers { server.stop() }
    }
}
