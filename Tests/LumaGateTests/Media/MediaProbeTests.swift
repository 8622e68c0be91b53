import AsyncHTTPClient
import Foundation
import LumaGate
import Testing

/// The pure-Swift readers of MP4 and JPEG/PNG headers agree with ffmpeg's own files.
@Suite struct MediaProbeTests {
    private func ffmpeg(_ arguments: [String]) async throws -> Data {
        let directory = NSTemporaryDirectory()
        let output = UUID().uuidString + "." + (arguments.last ?? "bin")
        try await FFmpegFixture.make(arguments.dropLast() + [output], in: directory)
        defer { try? FileManager.default.removeItem(atPath: directory + output) }
        return try Data(contentsOf: URL(fileURLWithPath: directory + output))
    }

    @Test(arguments: [(640, 360, 48, false), (320, 568, 24, true)])
    func mp4ProbeReadsSizeAndDuration(width: Int, height: Int, frames: Int, faststart: Bool) async throws {
        let video = try await ffmpeg(
            [
                "-f", "lavfi", "-i", "testsrc=s=\(width)x\(height):r=24", "-frames:v", "\(frames)",
                "-c:v", "libx264", "-pix_fmt", "yuv420p",
            ] + (faststart ? ["-movflags", "+faststart"] : []) + ["mp4"])
        let info = try #require(MP4Probe.probe(video))
        #expect(info.width == width && info.height == height)
        #expect(abs(info.duration - Double(frames) / 24) < 0.0005)
    }

    @Test func mp4ProbeRefusesWhatIsNotAnMP4() throws {
        #expect(MP4Probe.probe(Data()) == nil)
        #expect(MP4Probe.probe(Data("definitely not a movie".utf8)) == nil)
        #expect(MP4Probe.probe(try Fixtures.data("first-frame.png")) == nil)
        // A box header that claims more bytes than there are.
        #expect(MP4Probe.probe(Data([0, 0, 0x10, 0, 0x6D, 0x6F, 0x6F, 0x76, 1, 2, 3])) == nil)
    }

    @Test func imageProbeKnowsFormatsAndSizes() async throws {
        let png = try Fixtures.data("first-frame.png")
        #expect(ImageProbe.format(of: png) == .png)
        #expect(ImageProbe.size(of: png)! == (320, 180))
        let jpeg = try await ffmpeg(["-f", "lavfi", "-i", "testsrc=s=200x120", "-frames:v", "1", "jpg"])
        #expect(ImageProbe.format(of: jpeg) == .jpeg)
        #expect(ImageProbe.size(of: jpeg)! == (200, 120))
        let webp = Data("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)
        #expect(ImageProbe.format(of: webp) == .webp)
        #expect(ImageProbe.format(of: Data("GIF89a".utf8)) == nil)
    }

    /// A file host that fails a request now and then still yields the video's size and duration:
    /// a task is completed once, so what the inspector misses then stays missing.
    @Test func inspectorAsksAgainWhenTheFileHostFails() async throws {
        let upstream = try await FakeDreamMachine.start(fileFailures: 2)
        let inspector = RemoteMediaInspector(
            outbound: OutboundClient(policy: OutboundPolicy(allowedHosts: ["127.0.0.1"])), ffmpeg: nil,
            store: MediaStore(root: TestGateway.temporaryDirectory()))
        let media = await inspector.inspect(taskID: "t", videoURL: upstream.baseURL + "/files/video.mp4", imageURL: nil, atMillis: 0)
        await upstream.stop()
        let video = try #require(media.video)
        #expect(video.width == 1360 && video.height == 752)
        #expect(abs((video.duration ?? 0) - 121.0 / 24) < 0.001)
    }
}
