import Foundation
import Subprocess
import SystemPackage

/// Runs the ffmpeg binary from the host (Debian's `ffmpeg` package), bounded: every run has a
/// wall-clock limit after which it is killed with SIGKILL together with its process group
/// (coreutils' `timeout`, which ffmpeg cannot ignore), an address-space cap (util-linux's
/// `prlimit`) and few threads, so no input can hold a core or the machine's memory for long.
public struct FFmpeg: Sendable {
    /// What went wrong, in full for the log; `timedOut` tells a limit from a bad input. Neither is
    /// for clients: their failure reasons stay free of ffmpeg's output and of server paths.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public var timedOut = false
    }

    public let executable: String
    /// The longest one run may take.
    public var timeLimit: Duration = .seconds(60)
    public var memoryLimitBytes = 2 * 1024 * 1024 * 1024
    /// `timeout` and `prlimit`, when the host has them (every Debian has).
    var bounds: (timeout: String, prlimit: String)? = {
        let (timeout, prlimit) = ("/usr/bin/timeout", "/usr/bin/prlimit")
        let present = FileManager.default.isExecutableFile(atPath: timeout) && FileManager.default.isExecutableFile(atPath: prlimit)
        return present ? (timeout, prlimit) : nil
    }()

    /// The slots every run takes one of, shared by every copy of this value: renders, stills,
    /// image imports and spritesheets together start at most one ffmpeg per core.
    let slots: ProcessSlots

    public init(executable: String, slots: Int = max(ProcessInfo.processInfo.activeProcessorCount, 2)) {
        self.executable = executable
        self.slots = ProcessSlots(count: slots)
    }

    /// A run for a request found no free slot within the time it may wait.
    public struct Busy: Error {}

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
    ///
    /// Its output goes to temporary files rather than pipes: reading a pipe blocks a thread for
    /// as long as ffmpeg runs, and a blocked Swift concurrency thread stalls every request.
    /// A run waits for a slot for at most `slotWait` (nil: as long as it takes) and throws `Busy`
    /// without one.
    @discardableResult
    public func run(_ arguments: [String], in directory: String, timeLimit: Duration? = nil, slotWait: Duration? = nil) async throws -> Data {
        guard await slots.acquire(within: slotWait) else { throw Busy() }
        defer { Task { await slots.release() } }
        return try await runHoldingSlot(arguments, in: directory, timeLimit: timeLimit)
    }

    private func runHoldingSlot(_ arguments: [String], in directory: String, timeLimit: Duration?) async throws -> Data {
        let limit = min(timeLimit ?? self.timeLimit, self.timeLimit)
        let seconds = max(Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18, 0.1)
        let scratch = NSTemporaryDirectory() + "lumagate-ffmpeg-" + UUID().uuidString
        let outputPath = scratch + ".out"
        let errorPath = scratch + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        let (output, errors): (FileDescriptor, FileDescriptor)
        do {
            output = try FileDescriptor.open(FilePath(outputPath), .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
            do {
                errors = try FileDescriptor.open(FilePath(errorPath), .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
            } catch {
                try? output.close()
                throw error
            }
        } catch {
            throw Failure(description: "could not create scratch files for ffmpeg in \(NSTemporaryDirectory()): \(error)")
        }
        let ffmpegArguments = [executable, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-filter_threads", "2"] + arguments
        let (program, programArguments) =
            bounds.map { bounds in
                (bounds.timeout, ["-s", "KILL", String(format: "%.1f", seconds), bounds.prlimit, "--as=\(memoryLimitBytes)", "--"] + ffmpegArguments)
            } ?? (executable, Array(ffmpegArguments.dropFirst()))
        let started = ContinuousClock.now
        // Not Foundation's Process: on Linux its `run()` reads past a buffer while it lists the
        // open descriptors, and crashes the gateway now and then (swift-corelibs-foundation #5472).
        let status: Int32
        switch try await Subprocess.run(
            .path(FilePath(program)), arguments: Arguments(programArguments), workingDirectory: FilePath(directory), input: .none,
            output: .fileDescriptor(output, closeAfterSpawningProcess: true), error: .fileDescriptor(errors, closeAfterSpawningProcess: true)
        ).terminationStatus {
        case .exited(let code): status = code
        case .signaled(let signal): status = 128 + signal
        }
        guard status == 0 else {
            if ContinuousClock.now - started >= limit {
                throw Failure(description: "ffmpeg was stopped after its limit of \(limit)", timedOut: true)
            }
            let message = (try? String(contentsOfFile: errorPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw Failure(description: "ffmpeg exited with status \(status): \(message.suffix(500))")
        }
        return FileManager.default.contents(atPath: outputPath) ?? Data()
    }

    /// Base64 of `input` (a path or URL of an image) scaled to 5×5 RGB pixels: 75 bytes, as in
    /// Luma's `palette.grid`.
    public func paletteGrid(of input: String, in directory: String) async throws -> String {
        let pixels = try await run(["-i", input, "-vf", "scale=5:5:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], in: directory)
        guard pixels.count == 75 else { throw Failure(description: "palette grid has \(pixels.count) bytes, not 75") }
        return pixels.base64EncodedString()
    }
}
