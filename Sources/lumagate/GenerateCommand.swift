import ArgumentParser
import Foundation
import LumaGateClient

/// `lumagate generate "PROMPT"`: submits a video task to a running gateway, and optionally
/// waits for it and saves the MP4 — the whole client path in one command.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Submit a video task to a running gateway; print its id, or wait for it and save the video.",
        discussion: """
            Without --wait, prints the new task's id and exits, so `ID=$(lumagate generate "...")` works. \
            With --wait, shows the task's state and elapsed time until it finishes, then prints the video URL; \
            --output also saves the MP4 (and implies --wait). A failed task exits non-zero with its reason.
            """)

    @Argument(help: "What the video shows.") var prompt: String
    @Option(help: "1:1 16:9 9:16 4:3 3:4 21:9 9:21 (the gateway's default: 16:9).") var aspectRatio: String?
    @Option(help: "A local PNG, JPEG or WebP file to upload and use as the first frame.") var image: String?
    @Option(help: "A model of the gateway's catalogue (docs/models.md; the gateway's default when left out).") var model: String?
    @Option(help: "A duration the model makes, such as 5s (the model's default when left out).") var duration: String?
    @Option(help: "A resolution the model makes, such as 720p (the model's default when left out).") var resolution: String?
    @Flag(help: "Wait until the task is completed or failed.") var wait = false
    @Option(help: "Save the finished MP4 here (implies --wait).") var output: String?
    @Option(help: "Seconds to wait at most with --wait.") var timeout: Int = 600
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let image, !FileManager.default.isReadableFile(atPath: image) {
            throw ValidationError("--image \(image): no such readable file.")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds.") }
    }

    func run() async throws {
        try await client.withClient { client in
            var submission = LumaSubmission(
                prompt: prompt, aspectRatio: aspectRatio, model: model, resolution: resolution, duration: duration)
            if let image {
                submission.imageURL = try await client.uploadImage(file: URL(fileURLWithPath: image)).publicURL
            }
            let task = try await client.submit(submission)
            guard wait || output != nil else {
                Output.line(task.id)
                return
            }
            Output.line("task \(task.id)")
            let finished = try await client.waitUntilFinished(
                id: task.id, pollInterval: .milliseconds(500), timeout: .seconds(timeout)
            ) { progress in
                // A person watching a terminal sees one line ticking; a log or a pipe gets a
                // line per state, which stays readable afterwards.
                if Output.isTerminal {
                    Output.rewrite("\(progress.state.rawValue)  \(Output.elapsed(progress.elapsed))")
                    if progress.state.isFinished { Output.line("") }
                } else if progress.stateChanged {
                    Output.line("\(progress.state.rawValue)  \(Output.elapsed(progress.elapsed))")
                }
            }
            guard finished.state == .completed, let video = finished.video else {
                Output.error("task \(finished.id) failed: \(finished.failureReason ?? "the gateway gave no reason")")
                throw ExitCode.failure
            }
            Output.line("video: \(video.downloadURL)")
            if let output {
                let destination = URL(fileURLWithPath: output)
                let bytes = try await client.download(from: video.downloadURL, to: destination)
                Output.line("saved \(output) (\(bytes) bytes)")
            }
        }
    }
}
