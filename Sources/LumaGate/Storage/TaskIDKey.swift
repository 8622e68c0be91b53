/// A task id as the query cache keys it: the 128 bits of the lowercase UUID every task id is,
/// hashed and compared in place. A 36-byte `String` key keeps its bytes on the heap, and each
/// probe compared them there: with the cache's keys spread over megabytes, that was the larger
/// part of a batch query's lookups (by `perf` at 10,000 tasks, `memcmp` 6 % of the gateway's
/// samples).
struct TaskIDKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    /// Nil for anything but a lowercase UUID (`8-4-4-4-12` hex digits): no task has such an id,
    /// so it is never cached and its reads go to the store.
    init?(_ id: String) {
        var id = id
        guard let bits = id.withUTF8(Self.bits) else { return nil }
        (high, low) = bits
    }

    /// No branch per digit: an id's digits are random, so such branches mispredict (by `perf` of a
    /// batch query, the parse went from about 3 % of the gateway's samples to under 1 %).
    private static func bits(_ text: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        let dash = UInt8(ascii: "-")
        guard text.count == 36, text[8] == dash, text[13] == dash, text[18] == dash, text[23] == dash else { return nil }
        var invalid: UInt8 = 0
        func hex(_ digits: Range<Int>, after word: UInt64 = 0) -> UInt64 {
            var word = word
            for index in digits {
                let digit = text[index] &- UInt8(ascii: "0")
                let letter = text[index] &- UInt8(ascii: "a")
                invalid |= (digit > 9) && (letter > 5) ? 1 : 0
                word = word << 4 | UInt64(digit > 9 ? letter &+ 10 : digit)
            }
            return word
        }
        let high = hex(14..<18, after: hex(9..<13, after: hex(0..<8)))
        let low = hex(24..<36, after: hex(19..<23))
        return invalid == 0 ? (high, low) : nil
    }
}
