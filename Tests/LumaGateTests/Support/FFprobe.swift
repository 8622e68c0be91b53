import Foundation

/// ffprobe from the host, as an independent judge of the media the gateway produces.
enum FFprobe {
    struct Stream: Decodable {
        var codec_name: String?
        var width: Int?
        var height: Int?
        var pix_fmt: String?
        var duration: String?
        var nb_frames: String?
    }

    /// The streams ffprobe reads in `data`, on a thread of its own, so the wait holds no
    /// cooperative thread.
    static func streams(of data: Data, suffix: String) async throws -> [Stream] {
        try await RawHTTPConnection.offPool { try probe(data, suffix: suffix) }
    }

    private static func probe(_ data: Data, suffix: String) throws -> [Stream] {
        let file = NSTemporaryDirectory() + UUID().uuidString + suffix
        try data.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height,pix_fmt,duration,nb_frames", "-of", "json", file,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Report: Decodable { var streams: [Stream] }
        return try JSONDecoder().decode(Report.self, from: bytes).streams
    }
}
