import Foundation
@testable import LumaGate
import Testing

/// `lumagate media migrate`: a deployment's media folder copied into a bucket, resumably, after
/// which a gateway on the bucket serves every task's media with the folder gone.
@Suite(.enabled(if: TestMedia.inBucket, "needs LUMAGATE_TEST_S3_ENDPOINT (scripts/test-s3)"))
struct MediaMigrationTests {
    @Test func aMediaFolderMovesIntoABucket() async throws {
        let directory = TestGateway.temporaryDirectory()
        let (id, token) = try await TestGateway.with(directory: directory, configure: { $0.mediaBucket = nil }) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(token: token, #"{"user_prompt": "moving house", "image_url": "\#(try Fixtures.pngDataURI())"}"#)["id"]
                as! String
            #expect(try await gateway.waitForTerminal(id, token: token)["state"] as? String == "completed")
            return (id, token)
        }
        let video = try Data(contentsOf: URL(fileURLWithPath: directory + "/media/tasks/\(id)/video.mp4"))
        // Left behind by a render a crash cut short: not media, not copied.
        try Data("half".utf8).write(to: URL(fileURLWithPath: directory + "/media/tasks/\(id)/partial-1.mp4"))
        // Links out of the folder, to a file and to a folder, are not media either.
        try FileManager.default.createSymbolicLink(atPath: directory + "/media/tasks/\(id)/escape.txt", withDestinationPath: "/etc/hostname")
        try FileManager.default.createSymbolicLink(atPath: directory + "/media/tasks/etc", withDestinationPath: "/etc")
        let location = try #require(TestMedia.location(for: directory))
        let target = [
            "media", "migrate", "--to", "s3://\(location.bucket)/\(location.prefix)", "--s3-endpoint", location.endpoint ?? "",
            "--data-dir", directory,
        ]

        let first = try await ServeProcess.command(target)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("skipped 0 already there; 0 failed"), "\(first.output)")
        let copied = try #require(Int(first.output.firstMatch(of: /copied (\d+) files/)?.output.1 ?? ""))
        #expect(copied == 4, "video, thumbnail, last frame, the image it was made from: \(first.output)")
        #expect(try await !TestMedia.exists("tasks/\(id)/partial-1.mp4", directory: directory))
        #expect(try await !TestMedia.exists("tasks/\(id)/escape.txt", directory: directory))
        #expect(try await TestMedia.paths(under: "tasks/etc/", directory: directory).isEmpty)
        let again = try await ServeProcess.command(target)
        #expect(again.output.contains("copied 0 files") && again.output.contains("skipped \(copied) already there"), "\(again.output)")

        try FileManager.default.removeItem(atPath: directory + "/media")
        try await TestGateway.with(directory: directory) { gateway in
            let task = try await gateway.request(.GET, "/luma/generations/\(id)", token: token).object
            let url = try #require((task["video"] as? [String: Any])?["url"] as? String)
            let served = try await gateway.request(.GET, url)
            #expect(served.status == 200 && served.body == video)
            let image = try #require((task["request"] as? [String: Any])?["image_url"] as? String)
            #expect(try await gateway.request(.GET, image).status == 200)
        }
    }
}
