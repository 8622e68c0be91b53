import Foundation

extension Data {
    /// Lowercase hex. Written out by hand: it runs on every authenticated request, and
    /// `String(format:)` per byte was the largest single cost of a task query.
    var hexString: String {
        String(unsafeUninitializedCapacity: count * 2) { output in
            let digits: StaticString = "0123456789abcdef"
            var index = 0
            for byte in self {
                output[index] = digits.utf8Start[Int(byte >> 4)]
                output[index + 1] = digits.utf8Start[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }
}
