import Foundation

/// Makes a client's image safe to keep and to render: its header must name a PNG, JPEG or WebP
/// of a bounded size, and the whole file must decode. What is stored is ffmpeg's re-encoding
/// (JPEG stays JPEG, PNG and WebP become PNG), never the client's bytes, so nothing that rides
/// after an image header (HTML, a script, a polyglot) is ever served back.
public struct ImageNormalizer: Sendable {
    /// nil when ffmpeg is missing: images are then checked by their header alone.
    let ffmpeg: FFmpeg?
    public static let maxSide = 8192
    public static let maxPixels = 40_000_000
    /// Larger images are scaled down to this on their longer side: more is never rendered.
    public static let storedMaxSide = 4096
    static let timeLimit: Duration = .seconds(15)

    public init(ffmpeg: FFmpeg?) {
        self.ffmpeg = ffmpeg
    }

    public struct Image: Sendable {
        public var data: Data
        public var format: ImageProbe.Format
    }

    /// The image to store for `data`, or a 400 naming `field`.
    public func normalize(_ data: Data, field: String) async throws -> Image {
        guard let format = ImageProbe.format(of: data), let size = ImageProbe.size(of: data) else {
            throw GatewayError.invalidRequest("Field `\(field)` is not a PNG, JPEG or WebP image.")
        }
        guard size.width <= Self.maxSide, size.height <= Self.maxSide, size.width * size.height <= Self.maxPixels else {
            throw GatewayError.invalidRequest(
                "Field `\(field)` is \(size.width)×\(size.height) pixels; images may be at most \(Self.maxSide) pixels on a side and \(Self.maxPixels / 1_000_000) megapixels."
            )
        }
        guard let ffmpeg else { return Image(data: data, format: format) }
        let scratch = NSTemporaryDirectory() + "lumagate-image-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try data.write(to: URL(fileURLWithPath: scratch + "/input"))
        let output: ImageProbe.Format = format == .jpeg ? .jpeg : .png
        let fit = "scale='min(\(Self.storedMaxSide),iw)':'min(\(Self.storedMaxSide),ih)':force_original_aspect_ratio=decrease"
        do {
            // One frame, decoded as a whole: a file broken past its header fails here.
            try await ffmpeg.run(
                [
                    "-i", "input", "-frames:v", "1", "-vf", fit, "-map_metadata", "-1",
                    "-q:v", "2", "-update", "1", "output.\(output.fileExtension)",
                ],
                in: scratch, timeLimit: Self.timeLimit)
        } catch {
            throw GatewayError.invalidRequest("Field `\(field)` could not be decoded as a \(format.rawValue.uppercased()) image.")
        }
        guard let encoded = FileManager.default.contents(atPath: scratch + "/output." + output.fileExtension), !encoded.isEmpty,
            ImageProbe.size(of: encoded) != nil
        else {
            throw GatewayError.invalidRequest("Field `\(field)` could not be decoded as a \(format.rawValue.uppercased()) image.")
        }
        return Image(data: encoded, format: output)
    }
}
