import Foundation

/// Reads a video's size and duration from an MP4's `moov` box, in pure Swift: the numbers in
/// task JSON come from the file itself, never from a guess.
public enum MP4Probe {
    public struct Info: Equatable, Sendable {
        public var width: Int
        public var height: Int
        /// Seconds, from the video track's media header (e.g. 121 frames at 24 fps → 5.041667).
        public var duration: Double
    }

    public static func probe(fileAt path: String) -> Info? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return probe(data)
    }

    /// Parses the first `moov` box in `data`; nil when there is none or it has no video track.
    public static func probe(_ data: Data) -> Info? {
        let bytes = [UInt8](data)
        guard let moov = MP4Boxes.children(bytes, in: 0..<bytes.count).first(where: { $0.type == "moov" }) else { return nil }
        var movieDuration: Double?
        for box in MP4Boxes.children(bytes, in: moov.content) {
            if box.type == "mvhd" { movieDuration = mediaHeaderDuration(bytes, box.content) }
            guard box.type == "trak", let info = videoTrack(bytes, box.content) else { continue }
            return Info(width: info.width, height: info.height, duration: rounded(info.duration ?? movieDuration ?? 0))
        }
        return nil
    }

    private static func videoTrack(_ bytes: [UInt8], _ trak: Range<Int>) -> (width: Int, height: Int, duration: Double?)? {
        var width = 0, height = 0
        var duration: Double?
        var isVideo = false
        for box in MP4Boxes.children(bytes, in: trak) {
            if box.type == "tkhd" {
                guard !box.content.isEmpty else { return nil }
                let version = bytes[box.content.lowerBound]
                // width and height are 16.16 fixed point, the last 8 bytes of tkhd.
                let sizeOffset = box.content.lowerBound + (version == 1 ? 88 : 76)
                guard sizeOffset + 8 <= box.content.upperBound else { return nil }
                width = Int((MP4Boxes.uint32(bytes, at: sizeOffset) ?? 0) >> 16)
                height = Int((MP4Boxes.uint32(bytes, at: sizeOffset + 4) ?? 0) >> 16)
            }
            if box.type == "mdia" {
                for inner in MP4Boxes.children(bytes, in: box.content) {
                    if inner.type == "mdhd" { duration = mediaHeaderDuration(bytes, inner.content) }
                    if inner.type == "hdlr", inner.content.count >= 12 {
                        isVideo = String(decoding: bytes[(inner.content.lowerBound + 8)..<(inner.content.lowerBound + 12)], as: UTF8.self) == "vide"
                    }
                }
            }
        }
        return isVideo && width > 0 && height > 0 ? (width, height, duration) : nil
    }

    /// Duration from an `mvhd` or `mdhd` box: both start with version, times, timescale, duration.
    private static func mediaHeaderDuration(_ bytes: [UInt8], _ box: Range<Int>) -> Double? {
        let start = box.lowerBound
        guard box.count >= 24 else { return nil }
        if bytes[start] == 1 {
            guard box.count >= 32, let timescale = MP4Boxes.uint32(bytes, at: start + 20), timescale > 0,
                let duration = MP4Boxes.uint64(bytes, at: start + 24)
            else { return nil }
            return Double(duration) / Double(timescale)
        }
        guard let timescale = MP4Boxes.uint32(bytes, at: start + 12), timescale > 0,
            let duration = MP4Boxes.uint32(bytes, at: start + 16)
        else { return nil }
        return Double(duration) / Double(timescale)
    }

    private static func rounded(_ seconds: Double) -> Double {
        (seconds * 1_000_000).rounded() / 1_000_000
    }
}
