/// The one reader of MP4 box headers, for every reader of MP4s (the local probe, and the remote
/// inspector that reads a file's boxes over HTTP Range). Sizes come from untrusted files: every
/// read is bounds-checked and every sum is checked arithmetic, so no header can make a reader
/// trap, loop or read past what it was given.
enum MP4Boxes {
    struct Header: Equatable {
        var type: String
        /// 8, or 16 with a 64-bit size.
        var length: Int
        /// The whole box, header included; nil for a box that runs to the end of the file (size 0).
        var size: Int?
    }

    enum Reading: Equatable {
        case header(Header)
        /// The bytes end before the header does: read further to know.
        case needsMoreBytes
        /// Not a box: a size smaller than its header, or larger than any file.
        case invalid
    }

    /// The box header at `offset` in `bytes`.
    static func header(_ bytes: [UInt8], at offset: Int) -> Reading {
        guard offset >= 0, let size32 = uint32(bytes, at: offset), bytes.count - offset >= 8 else { return .needsMoreBytes }
        let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
        switch size32 {
        case 0:
            return .header(Header(type: type, length: 8, size: nil))
        case 1:
            guard let size64 = uint64(bytes, at: offset + 8) else { return .needsMoreBytes }
            guard let size = Int(exactly: size64), size >= 16 else { return .invalid }
            return .header(Header(type: type, length: 16, size: size))
        default:
            guard size32 >= 8 else { return .invalid }
            return .header(Header(type: type, length: 8, size: Int(size32)))
        }
    }

    struct Box {
        var type: String
        var content: Range<Int>
    }

    /// The boxes one after another inside `range`, each wholly within it; the walk stops at the
    /// first that is not.
    static func children(_ bytes: [UInt8], in range: Range<Int>) -> [Box] {
        var result: [Box] = []
        var offset = range.lowerBound
        while offset < range.upperBound, case .header(let header) = Self.header(bytes, at: offset) {
            // Compare without adding, so a size near Int.max cannot overflow.
            let size = header.size ?? (range.upperBound - offset)
            guard size >= header.length, size <= range.upperBound - offset else { break }
            result.append(Box(type: header.type, content: (offset + header.length)..<(offset + size)))
            offset += size
        }
        return result
    }

    /// A big-endian number at `offset`, or nil past the end.
    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32? {
        guard offset >= 0, bytes.count - offset >= 4 else { return nil }
        return bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func uint64(_ bytes: [UInt8], at offset: Int) -> UInt64? {
        guard offset >= 0, bytes.count - offset >= 8 else { return nil }
        return bytes[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
