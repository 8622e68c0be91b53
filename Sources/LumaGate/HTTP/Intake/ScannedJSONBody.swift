/// A request body that clients nearly always send in one plain shape, which `scan` reads without
/// `JSONDecoder` (a tenth of a batch query's time went to decoding twenty ids). `scan` returns
/// nil for anything but that shape, and the body then goes through `JSONDecoder`, so every other
/// input, and every error message, is the decoder's.
protocol ScannedJSONBody: Decodable {
    static func scan(_ bytes: UnsafeRawBufferPointer) -> Self?
}
