import Foundation

/// Recognises the image formats Luma accepts (PNG, JPEG, WebP) by their bytes, and reads a
/// JPEG's or PNG's pixel size from its header.
public enum ImageProbe {
    public enum Format: String, Sendable {
        case png, jpeg, webp

        public var mediaType: String { "image/\(rawValue)" }
        public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    }

    public static func format(of data: Data) -> Format? {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.count == 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        return nil
    }

    /// Width and height of a PNG (IHDR) or a JPEG (first SOF marker); nil for anything else.
    public static func size(of data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data)
        switch format(of: data) {
        case .png:
            guard bytes.count >= 24 else { return nil }
            return (Int(uint32(bytes, 16)), Int(uint32(bytes, 20)))
        case .jpeg:
            return jpegSize(bytes)
        default:
            return nil
        }
    }

    public static func size(ofFileAt path: String) -> (width: Int, height: Int)? {
        FileManager.default.contents(atPath: path).flatMap(size(of:))
    }

    private static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var offset = 2
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF { offset += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { offset += 2; continue }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isStartOfFrame, offset + 9 <= bytes.count {
                let height = Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6])
                let width = Int(bytes[offset + 7]) << 8 | Int(bytes[offset + 8])
                return (width, height)
            }
            offset += 2 + length
        }
        return nil
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
