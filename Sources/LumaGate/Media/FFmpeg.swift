import Foundation

/// Runs the ffmpeg binary from the host (Debian's `ffmpeg` package).
public struct FFmpeg: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let executable: String

    /// Finds `ffmpeg` on the PATH; nil when it is not installed.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> FFmpeg? {
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/ffmpeg"
            if FileManager.default.isExecutableFile(atPath: candidate) { return FFmpeg(executable: candidate) }
        }
        return nil
    }

    /// Runs ffmpeg with `arguments` in `directory` and returns what it wrote to stdout.
    @discardableResult
    public func run(_ arguments: [String], in directory: String) async throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        // Read both pipes while ffmpeg runs so a chatty stream can never block it.
        async let stdout = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                try? output.fileHandleForWriting.close()
                try? errors.fileHandleForWriting.close()
                continuation.resume(throwing: error)
            }
        }
        let (out, err) = await (stdout, stderr)
        guard status == 0 else {
            let message = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "ffmpeg exited with status \(status): \(message.suffix(500))")
        }
        return out
    }
}
