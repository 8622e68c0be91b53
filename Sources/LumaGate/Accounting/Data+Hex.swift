import Foundation

extension Data {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
