import Foundation

/// Writes straight to the file descriptors, unbuffered: a progress line rewritten with `\r` has
/// no newline to flush it, and a script reading a pipe should see each line when it happens.
enum Output {
    /// Whether stdout is a terminal a person watches, rather than a pipe or a file.
    static let isTerminal = isatty(STDOUT_FILENO) == 1

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Replaces the current terminal line with `text` (no newline).
    static func rewrite(_ text: String) {
        FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("error: " + text + "\n").utf8))
    }

    /// `12.3s`, or `2m05s` once there are minutes.
    static func elapsed(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds)
        return String(format: "%dm%02ds", whole / 60, whole % 60)
    }
}
