import Foundation

/// Timestamps as both API faces write them.
enum RFC3339 {
    /// UTC with milliseconds, e.g. 2024-12-24T18:01:25.319Z.
    static func timestamp(_ millis: Int64) -> String {
        let (seconds, fraction) = millis.quotientAndRemainder(dividingBy: 1000)
        var time = time_t(fraction < 0 ? seconds - 1 : seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var text = ""
        text.reserveCapacity(24)
        func append(_ value: Int, digits: Int) {
            let string = String(value)
            text += String(repeating: "0", count: max(0, digits - string.count)) + string
        }
        append(Int(parts.tm_year) + 1900, digits: 4)
        text += "-"
        append(Int(parts.tm_mon) + 1, digits: 2)
        text += "-"
        append(Int(parts.tm_mday), digits: 2)
        text += "T"
        append(Int(parts.tm_hour), digits: 2)
        text += ":"
        append(Int(parts.tm_min), digits: 2)
        text += ":"
        append(Int(parts.tm_sec), digits: 2)
        text += "."
        append(Int(fraction < 0 ? fraction + 1000 : fraction), digits: 3)
        return text + "Z"
    }
}
