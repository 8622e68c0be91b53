import Foundation

extension Date {
    /// Milliseconds since 1970, the unit every stored time uses.
    public var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    public init(millis: Int64) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }
}
