import Foundation

/// HTTP's date format (RFC 9110 §5.6.7, IMF-fixdate), as `Last-Modified` and the conditional
/// headers carry it.
enum HTTPDate {
    /// Whole seconds, rounded down, as the format has no fractions (rounding up would date a
    /// file in the future).
    static func format(_ date: Date) -> String {
        formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    static func parse(_ text: String) -> Date? {
        formatter.date(from: text)
    }

    /// Shared: DateFormatter is thread-safe, and making one per call costs more than the call.
    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()
}
