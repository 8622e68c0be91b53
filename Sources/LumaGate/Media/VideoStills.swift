import Foundation

/// What the gateway shows beside a video it keeps in its media store (rendered by the sandbox or
/// fetched from an upstream): the first frame as the thumbnail, the last frame (an extension opens
/// on it) and the thumbnail's palette, made once with ffmpeg; the sizes and duration read from the
/// files. Each still appears under its name only when complete, so a crash mid-way means the next
/// call makes it again.
public struct VideoStills: Sendable {
    static let videoFile = "video.mp4"
    static let thumbnailFile = "thumbnail.jpg"
    static let lastFrameFile = "last_frame.jpg"

    /// Not a playable video: no video track could be read from it.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String { "the MP4 has no readable video track" }
    }

    let ffmpeg: FFmpeg?
    let store: MediaStore

    public init(ffmpeg: FFmpeg?, store: MediaStore) {
        self.ffmpeg = ffmpeg
        self.store = store
    }

    /// The media of the task whose video is `<its directory>/video.mp4`. Without ffmpeg the
    /// stills are nil and only the video is shown.
    func media(taskID: String, createdAtMillis: Int64) async throws -> TaskMedia {
        let directory = store.taskDirectory(taskID)
        let video = "\(directory)/\(Self.videoFile)"
        guard let info = MP4Probe.probe(fileAt: store.absolutePath(video)) else { throw Unreadable() }
        var thumbnail: TaskMedia.Image?
        var lastFrame: TaskMedia.Image?
        if let ffmpeg {
            // One ffmpeg run makes all three (a process start costs more than a frame of a
            // small video); a still an earlier, interrupted call left is made alone.
            let palette =
                store.exists("\(directory)/\(Self.thumbnailFile)") || store.exists("\(directory)/\(Self.lastFrameFile)")
                ? nil : try await allStills(in: directory, ffmpeg: ffmpeg)
            var first = try await still(Self.thumbnailFile, in: directory, ffmpeg: ffmpeg, seek: [])
            if let palette {
                first.paletteGrid = palette
            } else {
                first.paletteGrid = try await ffmpeg.paletteGrid(of: store.absolutePath(first.url), in: store.absolutePath(directory))
            }
            thumbnail = first
            lastFrame = try await still(Self.lastFrameFile, in: directory, ffmpeg: ffmpeg, seek: ["-sseof", "-0.5"])
        }
        return TaskMedia(
            video: .init(url: video, downloadURL: video, width: info.width, height: info.height, duration: info.duration),
            thumbnail: thumbnail, lastFrame: lastFrame, createdAtMillis: createdAtMillis)
    }

    /// The first and last frames as their JPEGs, in one run; returns the first frame's palette
    /// grid (5×5 RGB, base64), or nil when ffmpeg gave something else.
    private func allStills(in directory: String, ffmpeg: FFmpeg) async throws -> String? {
        let (first, last) = ("partial-\(UUID().uuidString).jpg", "partial-\(UUID().uuidString).jpg")
        let frame = ["-frames:v", "1", "-update", "1", "-q:v", "3"]
        let pixels = try await ffmpeg.run(
            ["-i", Self.videoFile, "-sseof", "-0.5", "-i", Self.videoFile]
                + ["-map", "0:v"] + frame + [first] + ["-map", "1:v"] + frame + [last]
                + ["-map", "0:v", "-frames:v", "1", "-vf", "scale=5:5:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
            in: store.absolutePath(directory))
        for (partial, name) in [(first, Self.thumbnailFile), (last, Self.lastFrameFile)] {
            try FileManager.default.moveItem(
                atPath: store.absolutePath("\(directory)/\(partial)"), toPath: store.absolutePath("\(directory)/\(name)"))
        }
        return pixels.count == 75 ? pixels.base64EncodedString() : nil
    }

    /// One frame of the video as a JPEG named `name`, made if it is not there yet.
    private func still(_ name: String, in directory: String, ffmpeg: FFmpeg, seek: [String]) async throws -> TaskMedia.Image {
        let path = "\(directory)/\(name)"
        if !store.exists(path) {
            let partial = "partial-\(UUID().uuidString).jpg"
            try await ffmpeg.run(
                seek + ["-i", Self.videoFile, "-frames:v", "1", "-update", "1", "-q:v", "3", partial],
                in: store.absolutePath(directory))
            try FileManager.default.moveItem(atPath: store.absolutePath("\(directory)/\(partial)"), toPath: store.absolutePath(path))
        }
        let size = ImageProbe.size(ofFileAt: store.absolutePath(path))
        return TaskMedia.Image(url: path, width: size?.width, height: size?.height, paletteGrid: nil)
    }
}
