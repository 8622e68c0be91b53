import Foundation

/// Media for test equipment, made by the ffmpeg on the machine.
enum FFmpegFixture {
    /// Runs ffmpeg with `arguments` in `directory`, failing when it does, on a thread of its own:
    /// waiting for ffmpeg on one of the test process's few cooperative threads (one per core)
    /// would starve the gateways running in it.
    static func make(_ arguments: [String], in directory: String) async throws {
        try await RawHTTPConnection.offPool { try run(arguments, in: directory) }
    }

    private static func run(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-loglevel", "error", "-y"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("ffmpeg \(arguments.joined(separator: " ")) failed") }
    }
}
