import Foundation
import Testing

/// The `lumagate` binary itself: token commands beside a running server, a server killed in the
/// middle of rendering that finishes the work after a restart, and the quick start's `./data`.
@Suite(.serialized) struct LumaGateCommandTests {
    @Test func tokenCommandsWorkOnTheStoreWhileServeRuns() async throws {
        let directory = TestGateway.temporaryDirectory()
        let server = try await ServeProcess.start(dataDirectory: directory, extraArguments: ["--sandbox-queued-seconds", "60"])
        defer { server.stop() }

        let created = try await ServeProcess.command(["token", "create", "--name", "acme", "--data-dir", directory])
        #expect(created.status == 0, "\(created.output)")
        let secret = try #require(created.output.split(separator: "\n").last.map(String.init))
        #expect(secret.hasPrefix("lg_"))

        let submitted = try await TestGateway.request(.POST, server.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "cli"}"#)
        #expect(submitted.status == 200, "\(submitted.text)")

        let duplicate = try await ServeProcess.command(["token", "create", "--name", "acme", "--data-dir", directory])
        #expect(duplicate.status != 0)
        #expect(duplicate.output.contains("already exists"))

        let listed = try await ServeProcess.command(["token", "list", "--data-dir", directory])
        #expect(listed.status == 0)
        #expect(listed.output.contains("acme"))
        #expect(listed.output.contains("active"))
        #expect(!listed.output.contains(secret), "list never shows a secret")
        if !TestStore.isPostgres {
            let database = try String(contentsOfFile: directory + "/lumagate.sqlite", encoding: .isoLatin1)
            #expect(!database.contains(secret), "only a hash of the secret is stored")
        }

        let revoked = try await ServeProcess.command(["token", "revoke", "acme", "--data-dir", directory])
        #expect(revoked.status == 0, "\(revoked.output)")
        // The running gateway hears of the change within a bound (QueryCacheTests checks it).
        var refused = try await TestGateway.request(.GET, server.baseURL + "/luma/generations", token: secret)
        for _ in 0..<50 where refused.status != 403 {
            try await Task.sleep(for: .milliseconds(20))
            refused = try await TestGateway.request(.GET, server.baseURL + "/luma/generations", token: secret)
        }
        #expect(refused.status == 403)
        #expect(try await ServeProcess.command(["token", "list", "--data-dir", directory]).output.contains("revoked"))
        #expect(try await ServeProcess.command(["token", "revoke", "nobody", "--data-dir", directory]).status != 0)
    }

    @Test func quotaCommandsSetAndShowWhatATokenMaySpend() async throws {
        let directory = TestGateway.temporaryDirectory()
        let created = try await ServeProcess.command([
            "token", "create", "--name", "metered", "--quota", "500", "--max-in-flight", "3", "--data-dir", directory,
        ])
        #expect(created.status == 0, "\(created.output)")
        #expect(created.output.contains("quota 500 credits"))
        #expect(created.output.contains("webhook signing secret (shown only now): whsec_"))
        let shown = try await ServeProcess.command(["token", "show", "metered", "--data-dir", directory])
        #expect(shown.output.contains("remaining:    500 credits") && shown.output.contains("charged:      0 credits"), "\(shown.output)")
        #expect(shown.output.contains("3 in flight"))
        #expect(
            try await ServeProcess.command(["token", "set-quota", "metered", "unlimited", "--data-dir", directory]).output.contains("quota unlimited")
        )
        #expect(try await ServeProcess.command(["token", "set-quota", "metered", "lots", "--data-dir", directory]).status != 0)
        let limits = try await ServeProcess.command(["token", "set-limits", "metered", "--requests-per-minute", "60", "--data-dir", directory])
        #expect(limits.output.contains("60 requests/min, default in flight"), "\(limits.output)")
        #expect(try await ServeProcess.command(["token", "rotate-signing-secret", "metered", "--data-dir", directory]).output.hasPrefix("whsec_"))
        #expect(try await ServeProcess.command(["token", "show", "nobody", "--data-dir", directory]).status != 0)
    }

    @Test func channelCommandsManageStoredChannelsAndNeverPrintAWholeKey() async throws {
        let directory = TestGateway.temporaryDirectory()
        let key = "luma-0123456789abcdef"
        let added = try await ServeProcess.command(["channel", "add", "dream-machine", "--name", "main", "--key", key, "--data-dir", directory])
        #expect(added.status == 0, "\(added.output)")
        #expect(!added.output.contains(key))
        #expect(
            try await ServeProcess.command(["channel", "add", "dream-machine", "--name", "main", "--key", key, "--data-dir", directory]).status != 0)
        #expect(try await ServeProcess.command(["channel", "add", "midjourney", "--name", "x", "--key", key, "--data-dir", directory]).status != 0)
        #expect(
            try await ServeProcess.command([
                "channel", "add", "dream-machine", "--name", "y", "--key", key, "--base-url", "ftp://x", "--data-dir", directory,
            ]).status != 0)

        var listed = try await ServeProcess.command(["channel", "list", "--data-dir", directory])
        #expect(
            listed.output.contains("main\tdream-machine\thttps://api.lumalabs.ai/dream-machine/v1\tluma…cdef\t0\t1\tall\t-\tenabled"),
            "\(listed.output)")
        let routed = try await ServeProcess.command([
            "channel", "set", "main", "--priority", "5", "--weight", "2", "--models", "ray-2", "--max-in-flight", "9", "--data-dir", directory,
        ])
        #expect(routed.output.contains("priority 5, weight 2, models ray-2, max in flight 9"), "\(routed.output)")
        #expect(try await ServeProcess.command(["channel", "list", "--data-dir", directory]).output.contains("luma…cdef\t5\t2\tray-2\t9\tenabled"))
        #expect(try await ServeProcess.command(["channel", "set", "main", "--weight", "0", "--data-dir", directory]).status != 0)
        #expect(
            try await ServeProcess.command(["channel", "add", "luma-relay", "--name", "r", "--key", key, "--data-dir", directory]).status != 0,
            "a relay needs its base URL")
        let test = try await ServeProcess.command(["channel", "test", "main", "--data-dir", directory])
        #expect(test.status != 0 && test.output.contains("channel main: FAILED"), "no network here, or a refused key: either way it says so")
        #expect(!listed.output.contains(key))
        #expect(try await ServeProcess.command(["channel", "disable", "main", "--data-dir", directory]).status == 0)
        listed = try await ServeProcess.command(["channel", "list", "--data-dir", directory])
        #expect(listed.output.contains("disabled"))
        #expect(try await ServeProcess.command(["channel", "enable", "main", "--data-dir", directory]).status == 0)
        #expect(try await ServeProcess.command(["channel", "remove", "main", "--data-dir", directory]).status == 0)
        #expect(try await ServeProcess.command(["channel", "remove", "main", "--data-dir", directory]).status != 0)
        #expect(!(try await ServeProcess.command(["channel", "list", "--data-dir", directory]).output.contains("main")))
    }

    @Test func aServerKilledMidRenderFinishesTheTaskAfterRestart() async throws {
        let directory = TestGateway.temporaryDirectory()
        let secret = try #require(
            try await ServeProcess.command(["token", "create", "--name", "k", "--data-dir", directory])
                .output.split(separator: "\n").last.map(String.init))
        // A short lease: in PostgreSQL the killed server's claim is waited out, not freed at start.
        let timing = ["--sandbox-queued-seconds", "0", "--sandbox-dreaming-seconds", "0", "--upstream-timeout", "2", "--lease-seconds", "3"]
        let first = try await ServeProcess.start(dataDirectory: directory, extraArguments: timing)
        let submitted = try await TestGateway.request(
            .POST, first.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "survives a crash", "duration": "9s"}"#)
        let id = try #require(submitted.object["id"] as? String)
        // Kill as soon as the render has begun: its scratch file exists, the video does not.
        let taskDirectory = directory + "/media/tasks/\(id)"
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: taskDirectory + "/prompt.txt"), Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        first.kill()
        #expect(!FileManager.default.fileExists(atPath: taskDirectory + "/video.mp4"), "killed before the render finished")

        let second = try await ServeProcess.start(dataDirectory: directory, extraArguments: timing)
        defer { second.stop() }
        var state = ""
        var task: [String: Any] = [:]
        let finish = Date().addingTimeInterval(90)
        while state != "completed" && state != "failed", Date() < finish {
            task = try await TestGateway.request(.GET, second.baseURL + "/luma/generations/\(id)", token: secret).object
            state = task["state"] as? String ?? ""
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(state == "completed", "\(task)")
        #expect((task["video_raw"] as? [String: Any])?["duration"] as? Double == 9.041667)
    }

    /// The quick start runs `lumagate serve` with its data in `./data`: a relative folder must
    /// work for renders too (ffmpeg runs elsewhere).
    @Test func aRelativeDataDirectoryRendersFromTheFolderServeStartedIn() async throws {
        // The quick start's store is SQLite; the PostgreSQL pass names a database after the folder as written.
        guard !TestStore.isPostgres else { return }
        let folder = TestGateway.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let server = try await ServeProcess.start(
            dataDirectory: "./data", extraArguments: ["--sandbox-queued-seconds", "0", "--sandbox-dreaming-seconds", "0"],
            currentDirectory: folder)
        defer { server.stop() }
        let secret = try await ServeProcess.createToken("relative", dataDirectory: folder + "/data")
        let submitted = try await TestGateway.request(
            .POST, server.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "from ./data"}"#)
        let id = try #require(submitted.object["id"] as? String)
        var task: [String: Any] = [:]
        let finish = Date().addingTimeInterval(90)
        while !["completed", "failed"].contains(task["state"] as? String ?? ""), Date() < finish {
            task = try await TestGateway.request(.GET, server.baseURL + "/luma/generations/\(id)", token: secret).object
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(task["state"] as? String == "completed", "\(task)")
    }
}
