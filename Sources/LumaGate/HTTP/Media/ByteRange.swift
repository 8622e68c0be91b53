/// The one byte range a `Range` header asks for (RFC 9110 §14.1.2), as every byte-serving route
/// reads it: `bytes=a-b`, `bytes=a-` or `bytes=-n`. A header that is not one such range (another
/// unit, bad syntax, a reversed range, several ranges) is no range at all, so the whole file is
/// sent, as §14.2 allows a server to do.
enum ByteRange: Equatable, Sendable {
    case closed(first: Int, last: Int)
    case from(first: Int)
    case suffix(length: Int)

    /// The range `header` asks for, or nil when the whole representation is to be sent. Linear in
    /// the header's length; numbers too large for an `Int` saturate (a start past any file's end
    /// is unsatisfiable, an end past it is the end).
    init?(header: String?) {
        guard let header else { return nil }
        let bytes = Array(header.utf8)
        let unit = Array("bytes=".utf8)
        // The unit is case-insensitive (§14.1): the letters are compared folded to lower case.
        guard bytes.count > unit.count,
            zip(bytes, unit).allSatisfy({ ($0 >= 65 && $0 <= 90 ? $0 + 32 : $0) == $1 })
        else { return nil }
        var rest = bytes[unit.count...]
        while rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        while rest.last == UInt8(ascii: " ") { rest = rest.dropLast() }
        guard let dash = rest.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let first = rest[..<dash]
        let last = rest[(dash + 1)...]
        switch (Self.number(first), Self.number(last)) {
        case (nil, let length?) where first.isEmpty:
            self = .suffix(length: length)
        case (let start?, nil) where last.isEmpty:
            self = .from(first: start)
        case (let start?, let end?) where end >= start:
            self = .closed(first: start, last: end)
        default:
            return nil
        }
    }

    /// The bytes of a representation `size` long that this range selects, or nil when it selects
    /// none (a 416).
    func bounds(size: Int) -> ClosedRange<Int>? {
        switch self {
        case .closed(let first, let last):
            return first < size ? first...min(last, size - 1) : nil
        case .from(let first):
            return first < size ? first...(size - 1) : nil
        case .suffix(let length):
            return length > 0 && size > 0 ? max(size - length, 0)...(size - 1) : nil
        }
    }

    /// The range as a `Range` header value, to pass on to a store that reads it the same way.
    var header: String {
        switch self {
        case .closed(let first, let last): "bytes=\(first)-\(last)"
        case .from(let first): "bytes=\(first)-"
        case .suffix(let length): "bytes=-\(length)"
        }
    }

    /// The bounds and total size a `Content-Range: bytes a-b/size` value states, if it is one.
    static func contentRange(_ value: String) -> (bounds: ClosedRange<Int>, size: Int)? {
        guard value.hasPrefix("bytes "), let slash = value.firstIndex(of: "/"), let dash = value.firstIndex(of: "-"), dash < slash,
            let first = Int(value[value.index(value.startIndex, offsetBy: 6)..<dash]),
            let last = Int(value[value.index(after: dash)..<slash]),
            let size = Int(value[value.index(after: slash)...]),
            first <= last, last < size
        else { return nil }
        return (first...last, size)
    }

    /// A run of ASCII digits as a number (saturating); nil when it is empty or holds anything else.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int.max : sum
        }
        return value
    }
}
