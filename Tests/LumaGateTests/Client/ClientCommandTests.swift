import Foundation
import LumaGateClient
import Testing

/// `lumagate generate` and `lumagate tasks`, the real binary against a real `lumagate serve`,
/// both child processes: what a person or a script sees on stdout, stderr and the exit status.
@Suite(.serialized) struct ClientCommandTests {
    /// One server for the suite's commands; the token is made by the binary too.
    final class Server: Sendable {
        let process: ServeProcess
        let token: String

        init() async throws {
            let directory = TestGateway.temporaryDirectory()
            let created = try await ServeProcess.command(["token", "create", "--name", "cli", "--data-dir", directory])
            guard created.status == 0, let token = created.output.split(separator: "\n").last.map(String.init) else {
                throw TestFailure("token create: \(created.output)")
            }
            self.token = token
            process = try await ServeProcess.start(
                dataDirectory: directory, extraArguments: ["--sandbox-queued-seconds", "0.2", "--sandbox-dreaming-seconds", "0.3"])
        }

        deinit { process.stop() }
    }

    struct Run {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// Runs the binary on a thread of its own with stdout and stderr apart (neither a terminal).
    static func lumagate(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: ServeProcess.binary)
                        process.arguments = arguments
                        var inherited = ProcessInfo.processInfo.environment
                        inherited["LUMAGATE_SERVER"] = nil
                        inherited["LUMAGATE_TOKEN"] = nil
                        process.environment = inherited.merging(environment) { $1 }
                        let (stdout, stderr) = (Pipe(), Pipe())
                        process.standardOutput = stdout
                        process.standardError = stderr
                        try process.run()
                        // stderr is drained beside stdout so that neither pipe can fill and block.
                        let errors = Thread.detachedReader(stderr.fileHandleForReading)
                        let output = stdout.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        return Run(stdout: String(decoding: output, as: UTF8.self), stderr: errors(), status: process.terminationStatus)
                    })
            }
        }
    }

    @Test func generateWaitsPrintsOneLinePerStateAndSavesAPlayableVideo() async throws {
        let server = try await Server()
        let output = TestGateway.temporaryDirectory() + "/kite.mp4"
        let run = try await Self.lumagate([
            "generate", "a red kite over the dunes", "--aspect-ratio", "4:3", "--output", output,
            "--server", server.process.baseURL, "--token", server.token,
        ])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(!run.stdout.contains("\r") && !run.stdout.contains("\u{1B}"), "no terminal control codes into a pipe")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let id = try #require(lines.first?.wholeMatch(of: /task ([0-9a-f-]{36})/).map { String($0.output.1) }, "\(lines)")
        let states = lines.dropFirst().prefix { !$0.hasPrefix("video:") }.map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(states.last == "completed", "\(lines)")
        #expect(
            Set(states).count == states.count && Set(states).isSubset(of: ["pending", "processing", "completed"]), "one line per state: \(lines)")
        #expect(
            lines.dropFirst().allSatisfy { $0.hasPrefix("video: ") || $0.hasPrefix("saved ") || $0.firstMatch(of: /\ {2}\d+\.\ds$/) != nil },
            "state lines end with the elapsed time: \(lines)")
        #expect(lines.contains("video: \(server.process.baseURL)/media/tasks/\(id)/video.mp4"))
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(lines.last == "saved \(output) (\(data.count) bytes)")
        let stream = try #require(try await FFprobe.streams(of: data, suffix: ".mp4").first { $0.codec_name == "h264" })
        #expect(stream.width == 1168 && stream.height == 864 && stream.pix_fmt == "yuv420p")

        let shown = try await Self.lumagate(["tasks", "show", id, "--server", server.process.baseURL, "--token", server.token])
        #expect(shown.status == 0, "\(shown.stderr)")
        let task = try JSONDecoder().decode(LumaTask.self, from: Data(shown.stdout.utf8))
        #expect(task.id == id && task.state == .completed && task.request.prompt == "a red kite over the dunes")
        #expect(shown.stdout.contains(#""failure_reason" : null"#), "unknown keys print as null, as the server sends them")
        #expect(shown.stdout.contains(#""url" : "\#(server.process.baseURL)/media/tasks/\#(id)/video.mp4""#), "URLs unescaped: \(shown.stdout)")
    }

    @Test func generateWithAnImageFromTheEnvironmentPrintsOnlyTheIdAndTasksListsIt() async throws {
        let server = try await Server()
        let environment = ["LUMAGATE_SERVER": server.process.baseURL, "LUMAGATE_TOKEN": server.token]
        let older = try await Self.lumagate(["generate", "first\nof two"], environment: environment)
        #expect(older.status == 0, "\(older.stderr)")
        let fixture = Fixtures.directory.appendingPathComponent("first-frame.png").path
        let run = try await Self.lumagate(["generate", "a fox in snow", "--image", fixture, "--aspect-ratio", "1:1"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        let id = run.stdout.trimmingCharacters(in: .newlines)
        #expect(UUID(uuidString: id) != nil, "without --wait, stdout is the id alone: \(run.stdout)")

        let client = LumaClient(baseURL: server.process.baseURL, token: server.token)
        let task = try await client.task(id: id)
        let image = try #require(task.request.imageURL)
        #expect(image.hasPrefix(server.process.baseURL + "/media/uploads/") && image.hasSuffix(".png"))
        let copy = URL(fileURLWithPath: TestGateway.temporaryDirectory()).appendingPathComponent("frame.png")
        try await client.download(from: image, to: copy)
        #expect(try Data(contentsOf: copy) == Data(contentsOf: URL(fileURLWithPath: fixture)), "the first frame is the uploaded file")
        let finished = try await client.waitUntilFinished(id: id, pollInterval: .milliseconds(100), timeout: .seconds(90))
        #expect(finished.state == .completed && finished.video?.width == 1024)

        let listed = try await Self.lumagate(["tasks", "list", "--limit", "5"], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = listed.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first?.split(separator: " ", omittingEmptySubsequences: true) == ["ID", "STATE", "CREATED", "PROMPT"], "\(rows)")
        #expect(rows.count == 3)
        #expect(rows[1].hasPrefix(id) && rows[1].contains("completed") && rows[1].hasSuffix("a fox in snow"), "newest first: \(rows)")
        let olderID = older.stdout.trimmingCharacters(in: .newlines)
        #expect(rows[2].hasPrefix(olderID) && rows[2].hasSuffix("first of two"), "a prompt stays on its row: \(rows)")
        #expect(rows[1].firstMatch(of: /\ {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\ {2}/) != nil, "\(rows[1])")
        #expect(rows.map { $0.firstRange(of: "STATE")?.lowerBound.utf16Offset(in: $0) ?? -1 }.first == 38, "columns line up after the id")

        let paged = try await Self.lumagate(["tasks", "list", "--limit", "1", "--offset", "1"], environment: environment)
        #expect(paged.stdout.split(separator: "\n").dropFirst().map { String($0.prefix(36)) } == [olderID])
    }

    @Test func tasksWatchPrintsEachStateOfATaskFromItsStream() async throws {
        let server = try await Server()
        let environment = ["LUMAGATE_SERVER": server.process.baseURL, "LUMAGATE_TOKEN": server.token]
        let id = try #require(
            try await Self.lumagate(["generate", "a heron taking off"], environment: environment).stdout.split(separator: "\n").first.map(String.init)
        )
        let watched = try await Self.lumagate(["tasks", "watch", id], environment: environment)
        #expect(watched.status == 0, "\(watched.stderr)")
        let lines = watched.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.allSatisfy { $0.first == id && $0.last == "off" }, "\(watched.stdout)")
        #expect(lines.last?[1] == "completed" && Set(lines.map { $0[1] }).count == lines.count, "one line per state: \(watched.stdout)")

        let failing = try #require(
            try await Self.lumagate(["generate", "sandbox:fail a heron"], environment: environment).stdout.split(separator: "\n").first.map(
                String.init))
        let failed = try await Self.lumagate(["tasks", "watch", failing], environment: environment)
        #expect(failed.status != 0 && failed.stdout.split(separator: "\n").last?.contains("failed") == true, "\(failed.stdout)")
    }

    @Test func failuresExitNonZeroWithTheServersSentence() async throws {
        let server = try await Server()
        let wrongToken = try await Self.lumagate(["generate", "x", "--server", server.process.baseURL, "--token", "lg_wrong"])
        #expect(wrongToken.status != 0)
        #expect(wrongToken.stderr == "error: This token is not valid for this gateway. (HTTP 401 unauthorized)\n", "\(wrongToken.stderr)")
        #expect(wrongToken.stdout.isEmpty)

        let environment = ["LUMAGATE_SERVER": server.process.baseURL, "LUMAGATE_TOKEN": server.token]
        let failed = try await Self.lumagate(["generate", "sandbox:fail on purpose", "--wait"], environment: environment)
        #expect(failed.status != 0)
        #expect(failed.stdout.contains("failed  "), "the last state line is printed: \(failed.stdout)")
        #expect(failed.stderr.contains("failed: The sandbox failed this task on purpose"), "\(failed.stderr)")

        let invalid = try await Self.lumagate(["generate", "x", "--aspect-ratio", "2:1"], environment: environment)
        #expect(invalid.status != 0 && invalid.stderr.contains("aspect_ratio") && invalid.stderr.contains("HTTP 400"), "\(invalid.stderr)")

        let unknown = try await Self.lumagate(["tasks", "show", "0b7e0a9e-0000-4000-8000-000000000000"], environment: environment)
        #expect(unknown.status != 0 && unknown.stderr.contains("No task with id 0b7e0a9e-0000-4000-8000-000000000000"), "\(unknown.stderr)")

        let noToken = try await Self.lumagate(["tasks", "list", "--server", server.process.baseURL])
        #expect(noToken.status != 0 && noToken.stderr.contains("LUMAGATE_TOKEN"), "\(noToken.stderr)")

        let missingImage = try await Self.lumagate(["generate", "x", "--image", "/nonexistent/frame.png"], environment: environment)
        #expect(missingImage.status != 0 && missingImage.stderr.contains("/nonexistent/frame.png"), "\(missingImage.stderr)")

        // Nothing listens on port 9 of loopback: the message names the address it tried.
        let unreachable = try await Self.lumagate(["tasks", "list", "--server", "http://127.0.0.1:9", "--token", server.token])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("http://127.0.0.1:9"), "\(unreachable.stderr)")
    }

    @Test func onATerminalTheProgressLineIsRewrittenInPlace() async throws {
        let server = try await Server()
        // script(1) gives the command a pseudo-terminal as its stdout, as a person's shell would.
        let command = [ServeProcess.binary, "generate", "'a slow tide'", "--wait", "--server", server.process.baseURL, "--token", server.token]
            .joined(separator: " ")
        let run = try await Self.lumagate(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let rewrites = run.stdout.components(separatedBy: "\r\u{1B}[2K").dropFirst()
        #expect(rewrites.count >= 2, "one rewrite per poll: \(run.stdout.debugDescription)")
        #expect(rewrites.last?.hasPrefix("completed  ") == true, "\(run.stdout.debugDescription)")
        #expect(run.stdout.contains("video: "))
    }
}

extension ClientCommandTests {
    static func lumagate(_ arguments: [String], executable: String) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: executable)
                        process.arguments = arguments
                        let (stdout, stderr) = (Pipe(), Pipe())
                        process.standardOutput = stdout
                        process.standardError = stderr
                        process.standardInput = FileHandle.nullDevice
                        try process.run()
                        let errors = Thread.detachedReader(stderr.fileHandleForReading)
                        let output = stdout.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        return Run(stdout: String(decoding: output, as: UTF8.self), stderr: errors(), status: process.terminationStatus)
                    })
            }
        }
    }
}

extension Thread {
    /// Reads `handle` to its end on a thread of its own; the returned function waits for the text.
    static func detachedReader(_ handle: FileHandle) -> @Sendable () -> String {
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        Thread.detachNewThread {
            box.data = handle.readDataToEndOfFile()
            done.signal()
        }
        return {
            done.wait()
            return String(decoding: box.data, as: UTF8.self)
        }
    }
}
